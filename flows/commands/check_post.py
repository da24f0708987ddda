"""`socialaudit check-post`: a draft checked before it is posted, by the weekly run's own rules."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import click

from flows.commands.common import EXIT_COMPLETED, EXIT_FAILED, EXIT_HOLD, EXIT_REFUSED
from flows.commands.parameters import (
    PATH,
    Declared,
    by_option,
    config_option,
    db_option,
    one_of,
    option,
    sandbox_option,
    trust_option,
)
from platforms import NAMES

NAME = "check-post"
SECTION = "Before posting"
HELP = "check a draft post (text and images) against the registers, consent and the approved library"

EPILOG = f"""exit statuses:
  {EXIT_COMPLETED}  ok: nothing stands in the way of posting it
  {EXIT_HOLD}  hold: findings to settle before posting (each listed with its evidence)
  {EXIT_FAILED}  it could not check the draft; one line says why
  {EXIT_REFUSED}  the command line is wrong
(docs/contracts/cli.md)"""


def options() -> list[Declared]:
    return [
        one_of(
            config_option("the school's school.toml"),
            sandbox_option(),
            trust_option(
                "a trust's trust.toml, with --school: the draft of one of its schools, recorded in that school's lake"
            ),
            required=True,
        ),
        option(
            "--school",
            metavar="SLUG",
            help="with --trust: the school whose registers and approvals the draft is checked against (its slug or "
            "name)",
        ),
        db_option(),
        one_of(
            option("--text", default=None, help="the draft's text"),
            option("--text-file", type=PATH, metavar="FILE", help="a UTF-8 file holding the draft's text"),
        ),
        option("--image", type=PATH, multiple=True, metavar="FILE", help="an image of the draft (repeat)"),
        option(
            "--platform", type=click.Choice(NAMES), default="x", help="the platform it is to be posted on"
        ),
        option(
            "--format", type=click.Choice(("text", "json")), default="text", help="how the result is printed"
        ),
        option(
            "--pupil",
            multiple=True,
            metavar="PUPIL_ID",
            help="a pupil the images show (repeat): their photo consent is applied",
        ),
        by_option(),
    ]


def run(args: argparse.Namespace) -> int:
    from checks.post_check import DraftRefused, UploadedImage
    from flows import credentials
    from flows.config.school import load_config
    from flows.post_checking import check_and_record
    from flows.warehouse_location import WarehouseNotNamed, warehouse_location
    from warehouse.db import encryption_key
    from warehouse.post_checks import publish_copy
    from warehouse.privacy import access_log

    if args.trust is not None:
        try:
            school_toml, trust_lake = trust_school(args.trust, args.school, args.db)
        except ValueError as error:
            print(f"socialaudit: check-post: {error}", file=sys.stderr)
            return EXIT_REFUSED
        except (OSError, RuntimeError) as error:
            print(f"socialaudit: check-post could not check the draft: {error}", file=sys.stderr)
            return EXIT_FAILED
        config = load_config(school_toml)
    elif args.school is not None:
        print(
            "socialaudit: check-post: --school names a school of a trust: give --trust too", file=sys.stderr
        )
        return EXIT_REFUSED
    else:
        config = load_config(args.sandbox / "school.toml" if args.sandbox else args.config)
    try:
        text = args.text_file.read_text(encoding="utf-8") if args.text_file else (args.text or "")
        images = [UploadedImage(path.name, path.read_bytes()) for path in args.image]
    except (OSError, UnicodeDecodeError) as error:
        print(f"socialaudit: check-post could not read the draft: {error}", file=sys.stderr)
        return EXIT_FAILED
    if not text.strip() and not images:
        print(
            "socialaudit: check-post: nothing to check: give --text, --text-file or --image", file=sys.stderr
        )
        return EXIT_REFUSED
    try:
        db = (
            trust_lake
            if args.trust
            else warehouse_location(args.db, config, sandbox=args.sandbox is not None)
        )
    except WarehouseNotNamed:
        db = None  # a sandbox check with no warehouse named: checked, not recorded
    entry = access_log.cli_entry("check-post", args.by)
    try:
        with encryption_key(credentials.warehouse_key(config)):
            checked = check_and_record(
                config,
                db,
                platform=args.platform,
                text=text,
                images=images,
                pupils_pictured=args.pupil,
                entry=entry,
            )
    except (DraftRefused, ValueError) as error:
        print(f"socialaudit: check-post could not check the draft: {error}", file=sys.stderr)
        return EXIT_FAILED
    outcome = checked.check
    if args.format == "json":
        print(json.dumps(outcome.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(
            f"{outcome.verdict}: {len(outcome.findings)} finding(s)"
            + (f" (check {checked.check_id})" if checked.check_id else "")
        )
        for finding in outcome.findings:
            where = f" [{finding.image}]" if finding.image else ""
            print(f"- {finding.rule} ({finding.severity}){where}: {finding.evidence}")
    sys.stdout.flush()
    if db is not None and checked.check_id is not None:
        with encryption_key(credentials.warehouse_key(config)):
            publish_copy(db)
    return EXIT_HOLD if outcome.verdict == "hold" else EXIT_COMPLETED


def trust_school(trust_toml: Path, school: str | None, db: Path | None) -> tuple[Path, Path]:
    """The school.toml of the trust's school named by slug or name, and its lake (where its approvals are and its
    checks are kept). ValueError: the command line is wrong; RuntimeError: the school has no lake yet."""
    from flows.config.school import load_config
    from flows.config.trust import audited_lakes, load_trust

    if db is not None:
        raise ValueError("--db does not go with --trust: a school's checks are kept in its lake")
    trust = load_trust(trust_toml)
    if not school:
        raise ValueError(f"--trust needs --school, one of: {', '.join(s.slug for s in trust.schools)}")
    wanted = school.strip().lower()
    found = [s for s in trust.schools if s.slug == wanted] or [
        s for s in trust.schools if load_config(s.school_toml).name.strip().lower() == wanted
    ]
    if not found:
        raise ValueError(
            f"{trust_toml} has no school {school!r}: one of {', '.join(s.slug for s in trust.schools)}"
        )
    chosen = found[0]
    if chosen.slug not in audited_lakes(trust):
        raise RuntimeError(
            f"{chosen.slug} has no lake yet: run `socialaudit trust run --trust {trust_toml}` first"
        )
    return chosen.school_toml, trust.lake_dir / f"{chosen.slug}.ducklake"
