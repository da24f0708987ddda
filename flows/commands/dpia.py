"""`socialaudit dpia`: the data protection impact assessment summary, generated from the code and school.toml."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

NAME = "dpia"
HELP = "write the DPIA summary: what is processed, why, under which rule, for how long"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, metavar="SCHOOL_TOML", help="school.toml (default: the defaults)"
    )
    parser.add_argument("--out", type=Path, help="write the markdown here (default: print it)")


def run(args: argparse.Namespace) -> int:
    from checks.rule_support.citation import SchoolPolicy, cited_rules
    from checks.rules import RULES
    from dashboards.dpia import generate_dpia
    from flows.config.school import RetentionSettings, load_config

    config = load_config(args.config) if args.config else None
    encrypted = bool(
        config and (config.warehouse.encryption_key_env or config.warehouse.encryption_key_secret)
    )
    text = generate_dpia(
        config.name if config else "(school name from school.toml)",
        config.retention if config else RetentionSettings(),
        date.today(),
        encrypted,
        cited_rules(RULES, config.policy if config else SchoolPolicy()),
    )
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(args.out)
    else:
        print(text)
    return 0
