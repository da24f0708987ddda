"""Where the school's warehouse is, named one way for every command, the weekly flow and its deployments.

In order: the command's `--db` (the flow's `db_path`), else `$SOCIALAUDIT_DB`, else `[warehouse] path` in
school.toml, else `data/socialaudit.duckdb`. Relative paths are taken from the working directory, which for the
deployments and the systemd units is the checkout (`$SOCIALAUDIT_HOME`), as for every other path the commands
take. A run against the sandbox never falls back to the production default: from the command line it names its
warehouse; a sandbox run of the deployment (a trial) that names none writes the trial's own warehouse and output
folder under `data/trial/`, apart from the live ones, and never reads `$SOCIALAUDIT_DB` (the service's live
warehouse).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flows.config.school import SchoolConfig

DB_ENV = "SOCIALAUDIT_DB"
DEFAULT_DB = Path("data/socialaudit.duckdb")
# Where the deployments publish (prefect.yaml, deploy/): beside the warehouse, under the git-ignored data/.
DEFAULT_OUT = Path("data/reports/latest")
# A deployment's sandbox trial, when its parameters name no warehouse or output folder.
TRIAL_DB = Path("data/trial/socialaudit.duckdb")
TRIAL_OUT = Path("data/trial/reports/latest")
DB_HELP = f"the warehouse (default: ${DB_ENV}, else [warehouse] path in school.toml, else {DEFAULT_DB})"


class WarehouseNotNamed(Exception):
    """A sandbox run with no warehouse named: it must not write into the production default."""


def warehouse_location(
    given: str | Path | None, config: SchoolConfig | None = None, *, sandbox: bool = False
) -> Path:
    """The warehouse as `--db`, `$SOCIALAUDIT_DB`, `[warehouse] path` or the default names it, in that order."""
    if given:
        return Path(given)
    named = os.environ.get(DB_ENV, "").strip()
    if named:
        return Path(named)
    if config is not None and config.warehouse.path:
        return Path(config.warehouse.path)
    if sandbox:
        raise WarehouseNotNamed(
            f"name the warehouse with --db, ${DB_ENV} or [warehouse] path: a sandbox run never writes the "
            f"production default {DEFAULT_DB}"
        )
    return DEFAULT_DB


def trial_location(
    given: str | Path | None, out_dir: str | Path, config: SchoolConfig | None
) -> tuple[Path, Path]:
    """A sandbox run of the flow: the warehouse and output folder it names, else the sandbox's own school.toml
    [warehouse] path, else the trial's; never `$SOCIALAUDIT_DB` nor the live output folder, which the worker's
    environment and the deployment's defaults give the live audit."""
    out = TRIAL_OUT if Path(out_dir) == DEFAULT_OUT else Path(out_dir)
    if given:
        return Path(given), out
    if config is not None and config.warehouse.path:
        return Path(config.warehouse.path), out
    return TRIAL_DB, out


def command_warehouse(args: argparse.Namespace) -> Path:
    """`--db`, or the same order as the flow, reading `--config`'s school.toml when the command has one."""
    if getattr(args, "db", None):
        return Path(args.db)
    config_path = getattr(args, "config", None)
    config = None
    if config_path and not os.environ.get(DB_ENV, "").strip():
        from flows.config.school import load_config

        config = load_config(Path(config_path))
    return warehouse_location(None, config)
