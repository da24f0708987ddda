"""`python -m sandbox.school`: write a sample school dataset and its labels from the command line."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sandbox.school.build import DEFAULT_AS_OF, FORMS, write_sample
from sandbox.school.sizes import SIZES


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox.school",
        description="Write a deterministic sample school dataset and its labels (DIR.labels.json).",
    )
    parser.add_argument("--out", required=True, type=Path, help="dataset directory to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--as-of", type=_date, default=DEFAULT_AS_OF, help="audit date (default 2026-11-16)")
    parser.add_argument(
        "--forms",
        choices=FORMS,
        default="default",
        help="'extended' adds more ways people present online; 'blind' a family built from a description alone",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        labels = write_sample(args.out, seed=args.seed, size=args.size, as_of=args.as_of, forms=args.forms)
    except (FileExistsError, ValueError) as err:
        print(f"sample: {err}", file=sys.stderr)
        return 1
    summary = json.loads(labels.read_text(encoding="utf-8"))
    print(
        f"wrote {Path(args.out).resolve()} ({args.size}, seed {args.seed}, as of {args.as_of}) in "
        f"{time.perf_counter() - started:.1f}s: {len(summary['identities'])} identities, "
        f"{len(summary['media'])} media, {len(summary['expected_exceptions'])} expected exceptions; labels {labels}"
    )
    return 0
