"""`socialaudit sample`: a deterministic sample school with ground-truth labels beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.commands.common import DEMO_AS_OF, iso_date

NAME = "sample"
HELP = "write a deterministic sample school (dataset + labels)"


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--size", choices=("small", "medium", "large"), default="small")
    parser.add_argument("--as-of", type=iso_date, default=DEMO_AS_OF)
    parser.add_argument(
        "--week", type=int, default=0, help="the same school N weeks later (0-3), for consecutive weekly runs"
    )
    parser.add_argument(
        "--forms",
        choices=("default", "extended", "blind"),
        default="default",
        help="'extended' adds more ways pupils, staff and namesakes present online (for tuning identity); 'blind' "
        "adds a family built from a description alone (names in their own script, channel words, digits for "
        "letters, businesses, grandparents, accounts run by a parent), never tuned on",
    )


def run(args: argparse.Namespace) -> int:
    from sandbox.school import write_sample

    labels = write_sample(
        args.out, seed=args.seed, size=args.size, as_of=args.as_of, week=args.week, forms=args.forms
    )
    print(f"sample school written to {args.out} (labels: {labels})")
    return 0
