"""`socialaudit dpia`: the data protection impact assessment summary, generated from the code and school.toml."""

from __future__ import annotations

import argparse
from datetime import date

from flows.commands.parameters import PATH, Declared, config_option, option

NAME = "dpia"
SECTION = "Data protection"
HELP = "write the DPIA summary: what is processed, why, under which rule, for how long"


def options() -> list[Declared]:
    return [
        config_option("school.toml (default: the defaults)"),
        option("--out", type=PATH, help="write the markdown here (default: print it)"),
    ]


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
