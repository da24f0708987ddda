"""`socialaudit init`: a new school's folder: a commented school.toml and register templates with the headers its
MIS export uses (docs/contracts/cli.md). It never overwrites: one file already there and nothing is written."""

from __future__ import annotations

import argparse
import csv
import io
import os
import shlex
import sys
from pathlib import Path

import click

from flows.commands.common import EXIT_COMPLETED, EXIT_FAILED, program_as_typed
from flows.commands.parameters import PATH, Declared, argument, option
from platforms import NAMES

NAME = "init"
SECTION = "Setting up"
HELP = "set up a school: a commented school.toml and register templates (--mis for a SIMS, Arbor or Bromcom export)"
MIS_NAMES = ("sims", "arbor", "bromcom")
PLATFORMS = NAMES
# What school.toml holds where the school must fill in a value; doctor says so while one is left.
UNFILLED = "REPLACE-"


def _platforms(value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [p for p in chosen if p not in PLATFORMS]
    if not chosen or unknown:
        raise ValueError(f"platforms are a comma-separated list of {', '.join(PLATFORMS)}")
    return chosen


def options() -> list[Declared]:
    return [
        argument(
            "dir",
            type=PATH,
            default=Path("."),
            required=False,
            metavar="DIR",
            help="where to write (default: here)",
        ),
        option(
            "--mis",
            type=click.Choice(MIS_NAMES),
            help="the MIS the registers are exported from: its headers in the templates and their mapping",
        ),
        option(
            "--platforms",
            type=_platforms,
            default="x,youtube",
            metavar="x,youtube",
            help=f"the platforms of the school's official accounts, of {', '.join(PLATFORMS)} (default: x,youtube)",
        ),
    ]


def _accounts(platforms: tuple[str, ...]) -> str:
    blocks = {
        "x": (
            "[[accounts]]                       # the school's official X account, one entry per account\n"
            'platform = "x"\n'
            'handle = "YourSchoolX"             # the username, without @\n'
            f'id = "{UNFILLED}with-the-numeric-user-id"\n'
            'approved_by = "Headteacher"        # who approved the account\n'
            "approved_on = 2025-09-01           # when (without these two, account-drift reports it)\n"
        ),
        "youtube": (
            "[[accounts]]                       # the school's YouTube channel\n"
            'platform = "youtube"\n'
            'handle = "@YourSchool"\n'
            f'id = "{UNFILLED}with-the-UC-channel-id"\n'
            'approved_by = "Headteacher"\n'
            "approved_on = 2025-09-01\n"
        ),
        "facebook": (
            "[[accounts]]                       # the school's Facebook Page (socialaudit[meta])\n"
            'platform = "facebook"\n'
            'handle = "YourSchoolPage"          # the Page username\n'
            f'id = "{UNFILLED}with-the-page-id"\n'
            'approved_by = "Headteacher"\n'
            "approved_on = 2025-09-01\n"
        ),
        "instagram": (
            "[[accounts]]                       # the school's Instagram professional account (socialaudit[meta])\n"
            'platform = "instagram"\n'
            'handle = "yourschool"              # the username\n'
            f'id = "{UNFILLED}with-the-ig-user-id"\n'
            'approved_by = "Headteacher"\n'
            "approved_on = 2025-09-01\n"
        ),
    }
    return "\n".join(blocks[p] for p in platforms)


def _policy_comments() -> str:
    from checks.rules import RULES

    lines = [
        "# The school's own social networking policy: the report, the review app and the DPIA cite it. A rule with",
        "# no clause here cites its general basis in law and national guidance (shown below each rule).",
        "# [policy]",
        '# document = "Our Social Media Policy"',
        '# url = "https://www.example.sch.uk/policies/social-media.pdf"   # optional',
        "#",
        "# [policy.clauses]                   # per rule: the clause of your policy it enforces",
    ]
    for rule in RULES:
        lines.append(f'# {rule.id} = "§..."')
        lines.append(f"#   general basis: {rule.general_basis}")
        lines.extend(f"#   as another school words it: {example}" for example in rule.example_clauses)
    return "\n".join(lines) + "\n"


def _columns(mis: str | None) -> str:
    if mis is None:
        return (
            "# The registers' headers are the contract's own column names. If your MIS export uses others, map them:\n"
            "# [registers.columns.pupils]\n"
            '# UPN = "pupil_id"\n'
        )
    from checks.registers.presets import MIS_PRESETS, mapping_block

    return (
        f"# The {mis.upper()} export's headers, mapped to the register columns. These are the headers a typical\n"
        "# report names: check them against your own export (`socialaudit doctor` lists the headers it finds).\n"
        + mapping_block(MIS_PRESETS[mis])
        + "\n"
    )


def school_toml(mis: str | None, platforms: tuple[str, ...]) -> str:
    return (
        "# school.toml: this school's audit (docs/contracts/school-toml.md). Fill in every REPLACE, then run\n"
        "#   socialaudit doctor --config school.toml\n"
        "\n"
        "[school]\n"
        'name = "Your School"                # as reports show it\n'
        '# urn = "123456"\n'
        'phase = "primary"                   # primary, secondary or all-through\n'
        '# email_domains = ["yourschool.sch.uk"]   # the school\'s own addresses are not personal (contact-details)\n'
        "\n" + _accounts(platforms) + "\n"
        "[warehouse]\n"
        'path = "data/socialaudit.duckdb"\n'
        "\n" + _columns(mis) + "\n" + _policy_comments()
    )


def register_headers(mis: str | None) -> dict[str, list[str]]:
    """The header row of each register template: the MIS preset's headers where it maps a column, else the
    contract's own column name."""
    from checks.registers.contract import REGISTER_SPECS
    from checks.registers.presets import MIS_PRESETS

    preset = MIS_PRESETS.get(mis or "", {})
    headers: dict[str, list[str]] = {}
    for name, spec in REGISTER_SPECS.items():
        by_column = {column: header for header, column in preset.get(name, {}).items()}
        headers[spec.file] = [by_column.get(column, column) for column in spec.columns]
    return headers


def _header_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(cells)
    return out.getvalue()


def run(args: argparse.Namespace) -> int:
    from checks.registers.contract import APPROVED_MEDIA_DIR

    root: Path = args.dir
    registers = root / "registers"
    files = {root / "school.toml": school_toml(args.mis, args.platforms)}
    files.update(
        {registers / name: _header_line(cells) for name, cells in register_headers(args.mis).items()}
    )
    # lexists: a link to nowhere is there too (the file would be created at its target, somewhere else).
    there = [path for path in files if os.path.lexists(path) or os.path.lexists(path.with_suffix(".xlsx"))]
    if there:
        print(
            f"socialaudit: init refused: already there, not overwritten: {', '.join(map(str, there))}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    (registers / APPROVED_MEDIA_DIR).mkdir(parents=True, exist_ok=True, mode=0o700)
    for path, text in files.items():
        # Registers hold children's personal data once filled in: owner-only from the start.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        print(f"wrote {path}")
    # The command as this person can type it again: a school's venv is seldom on the PATH.
    doctor = f"{program_as_typed()} doctor --config {shlex.quote(str(root / 'school.toml'))}"
    print(
        "next: fill in school.toml (each REPLACE), export the registers from your MIS into "
        f"{registers} with these headers, then: {doctor}"
    )
    return EXIT_COMPLETED
