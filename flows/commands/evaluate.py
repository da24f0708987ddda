"""`socialaudit evaluate`: audit labelled sample schools and print precision and recall of the identity rules."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from flows.commands.common import DEMO_AS_OF, iso_date, run_audit

NAME = "evaluate"
HELP = "audit labelled sample schools (seeds the tests do not use) and print precision/recall per rule"
DEFAULT_SEEDS = (101, 102, 103, 104, 105)
DEFAULT_SIZES = ("small", "medium")


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seeds", type=int, nargs="+", default=list(DEFAULT_SEEDS))
    parser.add_argument(
        "--sizes", nargs="+", choices=("small", "medium", "large"), default=list(DEFAULT_SIZES)
    )
    parser.add_argument("--as-of", type=iso_date, default=DEMO_AS_OF)
    parser.add_argument("--keep", type=Path, default=None, help="keep the schools and outputs in this folder")


def run(args: argparse.Namespace) -> int:
    from sandbox.school import write_sample
    from sandbox.school.evaluation import Score, report, score_school

    total = Score()
    with tempfile.TemporaryDirectory(prefix="socialaudit-eval-") as scratch:
        root = args.keep or Path(scratch)
        for size in args.sizes:
            for seed in args.seeds:
                work = root / f"{size}-{seed}"
                work.mkdir(parents=True, exist_ok=True)
                labels_path = write_sample(work / "school", seed=seed, size=size, as_of=args.as_of)
                (work / "w.duckdb").unlink(missing_ok=True)
                run_audit(work / "school" / "school.toml", work / "w.duckdb", work / "out", args.as_of, True)
                labels = json.loads(labels_path.read_text(encoding="utf-8"))
                exceptions = json.loads((work / "out" / "exceptions.json").read_text(encoding="utf-8"))
                school = score_school(labels, exceptions)
                total.add(school)
                print(f"{size} seed {seed}: {sum(school.low.values())} low findings")
    print()
    print(
        f"identity rules on {total.schools} sample schools (sizes {', '.join(args.sizes)}; seeds "
        f"{', '.join(map(str, args.seeds))}); findings of medium and above, undecidable cases excluded from recall"
    )
    print(report(total))
    return 0
