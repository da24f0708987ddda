"""`socialaudit sample`: a deterministic sample school with ground-truth labels beside it."""

from __future__ import annotations

import argparse

import click

from flows.commands.common import DEMO_AS_OF
from flows.commands.parameters import ISO_DATE, PATH, Declared, option

NAME = "sample"
SECTION = "For developers"
HELP = "write a deterministic sample school (dataset + labels)"


def options() -> list[Declared]:
    return [
        option("--out", type=PATH, required=True, help="where to write the school"),
        option("--seed", type=int, default=1, help="which school (default 1)"),
        option(
            "--size",
            type=click.Choice(("small", "medium", "large")),
            default="small",
            help="how large a school",
        ),
        option("--as-of", type=ISO_DATE, default=DEMO_AS_OF, help="the week it is written for"),
        option(
            "--week",
            type=int,
            default=0,
            help="the same school N weeks later (0-3), for consecutive weekly runs",
        ),
        option(
            "--forms",
            type=click.Choice(("default", "extended", "blind")),
            default="default",
            help="'extended' adds more ways pupils, staff and namesakes present online (tuned on); 'blind' a family "
            "built from a description alone, never tuned on (docs/evaluation.md)",
        ),
    ]


def run(args: argparse.Namespace) -> int:
    from sandbox.school import write_sample

    labels = write_sample(
        args.out, seed=args.seed, size=args.size, as_of=args.as_of, week=args.week, forms=args.forms
    )
    print(f"sample school written to {args.out} (labels: {labels})")
    return 0
