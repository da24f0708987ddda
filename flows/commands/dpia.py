"""`socialaudit dpia`: the data protection impact assessment summary, generated from the code and school.toml."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from flows.commands.parameters import PATH, Declared, config_option, option

NAME = "dpia"
# The documentation's sample DPIA (the default policy, no school.toml): `python -m flows.commands.dpia` rewrites it.
DOCS_SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "dpia.md"
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


def docs_sample() -> str:
    """The DPIA for the default policy as the documentation shows it: its rules and tables linked to the rule
    catalogue and the data dictionary beside it (a school's own DPIA, from `socialaudit dpia`, stands alone)."""
    from checks.rules import RULES
    from dashboards.dpia import generate_dpia
    from flows.config.school import RetentionSettings

    return generate_dpia(
        "(school name from school.toml)", RetentionSettings(), date.today(), False, RULES, for_the_docs=True
    )


if __name__ == "__main__":
    DOCS_SAMPLE.write_text(docs_sample(), encoding="utf-8")
    print(DOCS_SAMPLE, file=sys.stderr)
