"""Argument types and helpers shared by the command modules."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

DEMO_AS_OF = date(2026, 11, 16)


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from error


def prefect_defaults() -> None:
    # Offline by design: no telemetry, and our own loggers reach the Prefect UI.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "connectors,checks,warehouse,flows")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def run_audit(school_toml: Path, db: Path, out: Path, as_of: date | None, sandbox: bool) -> dict[str, object]:
    prefect_defaults()
    from flows.weekly_audit import weekly_audit

    return weekly_audit(
        school_toml=str(school_toml.resolve()),
        db_path=str(db.resolve()),
        out_dir=str(out.resolve()),
        as_of=as_of.isoformat() if as_of else None,
        sandbox=sandbox,
    )
