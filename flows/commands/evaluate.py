"""`socialaudit evaluate`: audit labelled schools and print precision and recall of the identity rules, and of the
pupils' names read from images (pupil-named raised on text read in a photo).

Sets reported apart: the project's own sample schools as they have always been (`--forms default`), the same
schools with accounts drawn from the presentation grammar (`--forms extended`; its compositions the resolver was
tuned on and those held out from tuning are reported apart again), the same schools with the blind family
(`--forms blind`: built from a description alone, scored once blind before the resolver was tuned on it; its own
accounts reported apart again), and schools from an independent generator (`--independent DIR`, labels at
DIR.labels.json), which nothing is tuned on.
Beside each, the same schools through a standard record-linkage baseline (Splink on the name fields; skipped when
Splink, a dev dependency, is not installed) and the observed precision per confidence band. Last, one line per
set (P/R of each follower rule, subjects flagged that are not the named person's own, the review load), also
written as JSON to `--results`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from flows.commands.common import DEMO_AS_OF, run_audit
from flows.commands.parameters import ISO_DATE, PATH, Declared, flag, option

NAME = "evaluate"
SECTION = "For developers"
HELP = "audit labelled sample schools (seeds the tests do not use) and print precision/recall per rule"
DRAWS_ON_TERMINAL = True  # a live display or a progress line
DEFAULT_SEEDS = (101, 102, 103, 104, 105)
DEFAULT_SIZES = ("small", "medium")
FORMS = ("default", "extended", "blind")
# The parts of a family scored apart again: (title, the labels' case prefix).
PARTS = {
    "extended": (
        ("compositions tuned on", "composed tuned"),
        ("compositions HELD OUT from tuning", "composed held-out"),
    ),
    "blind": (("the blind family's own accounts", "blind:"),),
}
INDEPENDENT_AS_OF = "2026-11-16"


def options() -> list[Declared]:
    return [
        option("--seeds", type=int, multiple=True, default=DEFAULT_SEEDS, help="the sample schools (repeat)"),
        option(
            "--sizes",
            type=click.Choice(("small", "medium", "large")),
            multiple=True,
            default=DEFAULT_SIZES,
            help="their sizes (repeat)",
        ),
        option(
            "--forms", type=click.Choice(FORMS), multiple=True, default=FORMS, help="their forms (repeat)"
        ),
        option(
            "--independent",
            type=PATH,
            multiple=True,
            metavar="DIR",
            help="independently labelled sandbox datasets (labels at DIR.labels.json), scored apart (repeat)",
        ),
        flag("--no-baseline", help="skip the Splink record-linkage baseline"),
        option("--as-of", type=ISO_DATE, default=DEMO_AS_OF, help="the week the schools are written for"),
        option("--keep", type=PATH, default=None, help="keep the schools and outputs in this folder"),
        option(
            "--results",
            type=PATH,
            default=None,
            help="also write the per-set figures as JSON here (`make eval` keeps them in benchmarks/results/eval.json)",
        ),
    ]


def _audit(school_toml: Path, work: Path, as_of: Any) -> list[dict[str, Any]]:
    (work / "w.duckdb").unlink(missing_ok=True)
    run_audit(school_toml, work / "w.duckdb", work / "out", as_of, True)
    loaded = json.loads((work / "out" / "exceptions.json").read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, list) else loaded.get("exceptions", [])


class _Set:
    """One set of schools: the project's findings and the baseline's, scored the same way."""

    def __init__(self, title: str, baseline: bool) -> None:
        from sandbox.school.evaluation import ImageNames, Score

        self.title = title
        self.project = Score()
        self.image_names = ImageNames()
        self.baseline: Score | None = Score() if baseline else None

    def add(
        self,
        labels: dict[str, Any],
        exceptions: list[dict[str, Any]],
        work: Path,
        as_of: Any,
        cases: Callable[[str], bool] | None = None,
    ) -> None:
        from sandbox.school.evaluation import score_school
        from sandbox.school.independent_labels import is_independent, score_independent

        def scorer(labels: dict[str, Any], exceptions: list[dict[str, Any]]) -> Any:
            if is_independent(labels):
                return score_independent(labels, exceptions)
            return score_school(labels, exceptions, cases=cases)

        school = scorer(labels, exceptions)
        self.project.add(school)
        self.image_names.add(labels, exceptions)
        if cases is None:
            print(f"{work.name}: {sum(school.low.values())} low findings")
        if self.baseline is not None:
            from sandbox.school.splink_baseline import baseline_exceptions

            self.baseline.add(scorer(labels, baseline_exceptions(work / "w.duckdb", as_of)))

    def print(self) -> None:
        from sandbox.school.evaluation import calibration, report

        print()
        print(f"== {self.title} ({self.project.schools} schools) ==")
        print("findings of medium and above; undecidable cases excluded from recall")
        print(report(self.project))
        print()
        print("observed precision per confidence band (every severity):")
        print(calibration(self.project))
        print()
        print(self.image_names.report())
        if self.baseline is not None:
            print()
            print(_side_by_side(self.project, self.baseline))


def _starts_with(prefix: str) -> Callable[[str], bool]:
    return lambda case: case.startswith(prefix)


def _side_by_side(project: Any, baseline: Any) -> str:
    from sandbox.school.evaluation import IDENTITY_RULES, _fmt

    lines = [
        "baseline: Splink (Fellegi-Sunter, DuckDB) on display-name forename + surname, link at p >= 0.9",
        f"{'rule':<26} {'project P':>9} {'R':>6}   {'Splink P':>8} {'R':>6}",
    ]
    for rule in IDENTITY_RULES:
        ours, theirs = project.rule_total(rule), baseline.rule_total(rule)
        lines.append(
            f"{rule:<26} {_fmt(ours.precision):>9} {_fmt(ours.recall):>6}   "
            f"{_fmt(theirs.precision):>8} {_fmt(theirs.recall):>6}"
        )
    lines.append(
        f"adults flagged as pupils: project {len(project.adults_as_pupils)}, Splink {len(baseline.adults_as_pupils)}"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from datetime import date

    from sandbox.school import write_sample
    from sandbox.school.splink_baseline import available

    baseline = not args.no_baseline and available()
    if not args.no_baseline and not baseline:
        print("Splink is not installed (a dev dependency: uv sync --group dev): the baseline is skipped")
    sets: list[_Set] = []
    with tempfile.TemporaryDirectory(prefix="socialaudit-eval-") as scratch:
        root = args.keep or Path(scratch)
        for forms in args.forms:
            own = _Set(f"project generator, {forms} forms", baseline)
            # The extended forms are draws from the presentation grammar (sandbox/school/presentation.py): the
            # compositions the resolver was tuned on, and those held out from tuning, apart; the blind family's
            # own accounts apart from the school they join.
            parts = [(_Set(f"{own.title}: {title}", False), prefix) for title, prefix in PARTS.get(forms, ())]
            for size in args.sizes:
                for seed in args.seeds:
                    work = root / (f"{size}-{seed}" if forms == "default" else f"{size}-{seed}-{forms}")
                    work.mkdir(parents=True, exist_ok=True)
                    labels_path = write_sample(
                        work / "school", seed=seed, size=size, as_of=args.as_of, forms=forms
                    )
                    exceptions = _audit(work / "school" / "school.toml", work, args.as_of)
                    labels = json.loads(labels_path.read_text(encoding="utf-8"))
                    own.add(labels, exceptions, work, args.as_of)
                    for part, prefix in parts:
                        part.add(labels, exceptions, work, args.as_of, _starts_with(prefix))
            sets += [own, *(part for part, _ in parts)]
        if args.independent:
            independent = _Set("independent generator (not tuned on)", baseline)
            for dataset in args.independent:
                labels = json.loads(
                    dataset.with_name(dataset.name + ".labels.json").read_text(encoding="utf-8")
                )
                as_of = date.fromisoformat(labels.get("as_of", INDEPENDENT_AS_OF))
                work = root / f"independent-{dataset.name}"
                work.mkdir(parents=True, exist_ok=True)
                exceptions = _audit(dataset / "school.toml", work, as_of)
                independent.add(labels, exceptions, work, as_of)
            sets.append(independent)
    for scored in sets:
        scored.print()
    _write_results(sets, args)
    return 0


def _write_results(sets: list[_Set], args: argparse.Namespace) -> None:
    """One line per set on the screen, and the same figures as JSON in `args.results`."""
    from sandbox.school.evaluation import family_table, summary

    families = {scored.title: summary(scored.project) for scored in sets}
    print()
    print(
        "== per set: follower rules at medium and above (decidable cases), what is not theirs, review load =="
    )
    print(family_table(families))
    document = {
        "seeds": args.seeds,
        "sizes": args.sizes,
        "forms": args.forms,
        "independent": [str(d) for d in args.independent],
        "as_of": str(args.as_of),
        "families": families,
    }
    if args.results is None:
        return
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {args.results}")
