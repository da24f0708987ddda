"""`make bench`: every benchmark, one table of figures (each with its goal, met or not, and the machine's load while
it was measured), written to benchmarks/results/bench.json and docs/results/bench.md.

    python -m benchmarks [--quick] [--independent DIR ...] [--only NAME ...]

`--quick` is the loop while working (a few minutes): one round of each, a small school, the hash distances of one
seed, no trust-sized identity resolution and no audits of large schools. Its figures are marked quick and are not
the ones to judge a goal by. Each benchmark module also runs alone (`python -m benchmarks.run_cost --help`), with
its own detail. `--independent DIR` (repeatable; `make bench INDEPENDENT="DIR ..."`) adds sandbox schools the
project did not make to the run-cost and trust benchmarks, each figure named by the school it was measured on.
`--only NAME` runs the benchmarks named (e.g. `--only "run cost"`) and prints their table without writing the
results files, which hold the whole bench. The soak (benchmarks/soak.py, about half an hour) runs on its own: `make soak`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.results import Figure, measured, table, write


@dataclass(frozen=True)
class Options:
    """What every benchmark is given: the quick loop or not, and the schools the project did not make."""

    quick: bool = False
    independent: tuple[Path, ...] = ()


Bench = Callable[[Options], list[Figure]]


def run_cost(options: Options) -> list[Figure]:
    from benchmarks import run_cost as bench
    from benchmarks.engine_floor import engine_work
    from benchmarks.reading_profile import first_run_profile

    with tempfile.TemporaryDirectory(prefix="bench-run-cost-") as tmp:
        rounds = 1 if options.quick else 3
        results = bench.measure(
            rounds, 1, "small", Path(tmp), options.independent, first_run_profile, engine_work
        )
    floor = results.best_floor()
    figures = []
    for school in results.schools:
        for kind, what in (
            ("first", "first run"),
            ("unread", "first run without reading images"),
            ("next", "next week's run"),
        ):
            if kind not in results.schools[school]:
                continue
            best = results.best(school, kind)
            wall, cpu, met = bench.ratio(results, school, kind)
            value = f"{wall:.2f}x ({best.wall:.1f} s / {floor.wall:.1f} s; CPU {cpu:.2f}x)"
            goal, detail = f"<= {bench.TARGETS[kind]}x", bench.where_it_goes(best, floor)
            added = results.reading_adds(school)
            if kind == "first" and added is not None:
                # The first run in all, and what reading images adds to it (the run without reading is its own
                # figure, next).
                met &= added <= bench.READING_ADDS
                value += f"; reading images adds {added:.1f} s"
                if school in results.engines:  # what reading cannot add less than
                    value += f" (its engines' own work: {results.engines[school].floor:.1f} s)"
                goal += f", reading adds <= {bench.READING_ADDS} s"
            if kind == "first":
                detail = bench.where_it_goes(best, floor, profiled=results.profiles.get(school))
                if school in results.engines:  # first: what the page keeps of a detail is its beginning
                    detail = f"{results.engines[school].note()}. {detail}"
            figures.append(
                Figure(
                    f"{school}: {what} / an empty Prefect flow run",
                    value,
                    goal,
                    met,
                    detail=detail,
                )
            )
        if "bare" in results.schools[school]:  # the own school, measured without its Meta accounts too
            first, bare = results.best(school, "first"), results.best(school, "bare")
            wall, cpu, met = bench.ratio(results, school, "bare")
            figures.append(
                Figure(
                    f"{school}: first run with its Facebook Page and Instagram account / without them",
                    f"{wall:.2f}x ({first.wall:.1f} s / {bare.wall:.1f} s; CPU {cpu:.2f}x)",
                    f"<= {bench.META_TARGET}x",
                    met,
                )
            )
    return figures


def image_reading(options: Options) -> list[Figure]:
    from benchmarks import image_reading as bench

    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-images-") as tmp:
        for size in ("small",) if options.quick else ("small", "medium"):
            text, met = bench.run_cost(size, 1 if options.quick else 2, Path(tmp))
            ratio = re.search(r"= ([\d.]+)x \(goal", text)
            figures.append(
                Figure(
                    f"a {size} school's first run with images read / without",
                    f"{ratio.group(1)}x" if ratio else "see detail",
                    f"<= {bench.GOAL_FIRST}x (next week <= {bench.GOAL_NEXT}x of CPU)",
                    met,
                    detail=text,
                )
            )
    return figures


def quietest(quiet: tuple[float, str]) -> str:
    """The longest time the trust's logs said nothing, as a round's detail says it."""
    if not quiet[0]:
        return ""
    return f"; its logs quiet {quiet[0]:.0f} s at most, until: {str(quiet[1])[:160]}"


def trust_detail(best: dict[str, Any], rounds: list[dict[str, Any]]) -> str:
    each_round = ", ".join(f"{r['ratio']:.2f}x {r['order']}{quietest(r['quiet'])}" for r in rounds)
    alone = ", ".join(f"{name} {seconds} s" for name, seconds in best["singles_each_s"].items())
    return (
        f"peak memory {best['trust_peak_mb']} MB as a trust, {best['single_peak_mb']} MB alone; best of "
        f"{len(rounds)} round(s) ({each_round}), alternating which side runs first; each school alone: {alone}"
        + trust_steps(best)
    )


def trust_steps(best: dict[str, Any], slowest: int = 3) -> str:
    """Each school's slowest steps in the trust beside the same steps in its single run (wall seconds)."""
    schools = []
    for school, in_trust in best.get("steps_in_trust_s", {}).items():
        alone = best.get("steps_alone_s", {}).get(school, {})
        steps = sorted(in_trust.items(), key=lambda step: -step[1])[:slowest]
        named = "; ".join(f"{step} {seconds:.1f} / {alone.get(step, 0.0):.1f}" for step, seconds in steps)
        schools.append(f"{school}: {named}")
    return "; slowest steps in the trust / alone (s): " + " | ".join(schools) if schools else ""


def trust_run(options: Options) -> list[Figure]:
    """Three own small schools as a trust; with independent schools given, a second trust of those (an own small
    school added while fewer than three are given), each against the same schools run one by one."""
    from benchmarks import trust_run as bench
    from sandbox.school import write_sample

    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-trust-") as tmp:
        root = Path(tmp)
        own = []
        for seed in (1, 2, 3):
            write_sample(root / "schools" / f"own-small-seed-{seed}", seed=seed, size="small")
            own.append(root / "schools" / f"own-small-seed-{seed}")
        trusts = [own]
        if options.independent:
            given = bench.copy_datasets(root, list(options.independent))
            trusts.append(given + own[: max(0, 3 - len(given))])
        for index, schools in enumerate(trusts):
            # Each set in its own folder; its rounds go on alternating from the last set's, so a quick bench's
            # one round each is not always the singles first (a load that falls meanwhile would favour the trust).
            work = root / f"set-{index}"
            work.mkdir()
            rounds = [
                bench.one_round(work, schools, None, index + number, len(schools))
                for number in range(1 if options.quick else 2)
            ]
            best = min(rounds, key=lambda r: r["ratio"])
            figures.append(
                Figure(
                    f"{len(schools)} small schools as a trust / one by one ({', '.join(s.name for s in schools)})",
                    f"{best['ratio']:.2f}x ({best['trust_s']} s / {best['singles_s']} s; CPU {best['cpu_ratio']:.2f}x)",
                    f"<= {bench.TARGET}x",
                    best["ratio"] <= bench.TARGET,
                    detail=trust_detail(best, rounds),
                )
            )
            # What the trust pays every Monday after its first: each side's next week, in the same rounds.
            next_best = min(rounds, key=lambda r: r["next_ratio"])
            figures.append(
                Figure(
                    f"{len(schools)} small schools' next week as a trust / one by one "
                    f"({', '.join(s.name for s in schools)})",
                    f"{next_best['next_ratio']:.2f}x ({next_best['next_trust_s']} s / "
                    f"{next_best['next_singles_s']} s; CPU {next_best['next_cpu_ratio']:.2f}x)",
                    f"<= {bench.TARGET}x",
                    next_best["next_ratio"] <= bench.TARGET,
                    detail=", ".join(
                        f"{r['next_ratio']:.2f}x {r['order']}{quietest(r['next_quiet'])}" for r in rounds
                    ),
                )
            )
    return figures


def identity_resolution(options: Options) -> list[Figure]:
    quick = options.quick
    if quick:
        return []
    from benchmarks import identity_resolution as bench

    figures = bench.measure()
    return [
        Figure(
            "identity resolution, trust-sized (250k profiles; 25k pupils, 5k staff, 40k parents)",
            f"{figures['wall_s']:.1f} s, {figures['peak_mb']:,.0f} MB at most, {figures['comparisons']:,} comparisons",
            f"<= {bench.BUDGET_SECONDS} s and <= {bench.BUDGET_MB} MB",
            figures["wall_s"] <= bench.BUDGET_SECONDS and figures["peak_mb"] <= bench.BUDGET_MB,
        )
    ]


def media_matching(options: Options) -> list[Figure]:
    quick = options.quick
    from benchmarks import media_matching as bench
    from checks.findings import Thresholds

    runs = [
        bench.measure_distances(seed, 50 if quick else 600) for seed in ((101,) if quick else (101, 202, 303))
    ]
    limit = Thresholds.media_hash_max_distance
    copies = [c for r in runs for c in r["copies"]]
    matched = sum(c[3] <= limit and c[4] <= limit for c in copies) / len(copies)
    pairs = sum(int(((r["pairs_phash"] <= limit) & (r["pairs_dhash"] <= limit)).sum()) for r in runs)
    total = sum(len(r["pairs_phash"]) for r in runs)
    apart = 1 - pairs / total
    return [
        Figure(
            f"platform copies matched to their original (pHash and dHash within {limit} bits)",
            f"{matched:.3f} of {len(copies):,}",
            ">= 0.98",
            matched >= 0.98,
        ),
        Figure(
            "different approved images kept apart",
            f"{apart:.4f} of {total:,} pairs",
            ">= 0.98",
            apart >= 0.98,
        ),
    ]


RULES_BAR = 0.95  # precision and recall of the post-side rules against the sample labels


def rules_against_labels(options: Options) -> list[Figure]:
    """The post-side rules on generated schools of seeds the tests never use, against their labels; a large school
    audited two weeks running fingerprints nothing the second week."""
    quick = options.quick
    from collections import Counter

    from benchmarks import media_matching as bench

    with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
        root = Path(tmp)
        results = [
            bench.evaluate_pipeline(seed, "small", root) for seed in ((21,) if quick else (21, 22, 23))
        ]
        if not quick:
            results.append(bench.evaluate_pipeline(24, "medium", root))
            results.append(bench.refetch_check(25, "large", root))
    schools = ", ".join(f"{r['size']} seed {r['seed']}" for r in results)
    figures = []
    for rule in bench.EVAL_RULES:
        total: Counter[str] = Counter()
        for r in results:
            total.update(r["scores"][rule])
        raised, wanted = total["tp"] + total["fp"], total["tp"] + total["fn"]
        precision = total["tp"] / raised if raised else 1.0
        recall = total["tp"] / wanted if wanted else 1.0
        figures.append(
            Figure(
                f"`{rule}` precision / recall against the labels ({schools})",
                f"{precision:.3f} / {recall:.3f} ({total['tp']} true, {total['fp']} false, {total['fn']} missed)",
                f">= {RULES_BAR} / >= {RULES_BAR}",
                precision >= RULES_BAR and recall >= RULES_BAR,
            )
        )
    figures.append(lettered_photos_figure(results, schools))
    for r in results:
        if "second_run" in r:
            again = r["second_run"]["media_fingerprinted"]
            figures.append(
                Figure(
                    f"images fingerprinted again the next week ({r['size']} seed {r['seed']}, {r['images']} images)",
                    str(again),
                    "0",
                    again == 0,
                )
            )
    return figures


def lettered_photos_figure(results: list[dict[str, Any]], schools: str) -> Figure:
    """Reading must not lose text: every pupil named in a labelled lettered photo (a certificate, a name card) is
    found there, whatever else the rule's figure above counts."""
    labelled = sum(r["image_names"]["labelled"] for r in results)
    found = sum(r["image_names"]["found"] for r in results)
    missed = [f"{r['size']} seed {r['seed']}: post {m}" for r in results for m in r["image_names"]["missed"]]
    return Figure(
        f"pupils named in lettered photos, found ({schools})",
        f"{found / labelled if labelled else 1.0:.3f} ({found} of {labelled})",
        "1.00",
        found == labelled,
        detail="missed: " + "; ".join(missed) if missed else "",
    )


def post_check(options: Options) -> list[Figure]:
    quick = options.quick
    from benchmarks import post_check as bench

    found = bench.measure(1 if quick else bench.ROUNDS)
    median = float(found["median"])
    return [
        Figure(
            "a draft of text and four photos (one lettered) checked warm, median",
            f"{median:.2f} s, {float(found['cpu_median']):.2f} s CPU (text alone {float(found['alone_median']):.2f} s;"
            f" verdict {found['verdict']})",
            f"<= {bench.GOAL_SECONDS:.0f} s",
            median <= bench.GOAL_SECONDS,
        )
    ]


def install_size(options: Options) -> list[Figure]:
    quick = options.quick
    from benchmarks import install_size as bench

    if quick:
        return []
    _, found = bench.measure()
    return [
        Figure(
            f"a school's install ({label}), megabytes",
            f"{megabytes:.0f} MB (largest: {', '.join(f'{n} {s:.0f}' for n, s in biggest[:4])})",
            f"< {bench.GOAL_MB:.0f} MB",
            megabytes < bench.GOAL_MB,
        )
        for label, megabytes, biggest in found
    ]


BENCHES: dict[str, Bench] = {
    "run cost": run_cost,
    "image reading": image_reading,
    "trust": trust_run,
    "identity resolution": identity_resolution,
    "media matching": media_matching,
    "rules against the labels": rules_against_labels,
    "checking a draft": post_check,
    "the school's install": install_size,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round of each, small schools: the loop")
    parser.add_argument(
        "--independent",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="repeatable: a sandbox school the project did not make (run cost and trust)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(BENCHES),
        default=[],
        metavar="NAME",
        help=f"repeatable: only this benchmark, not written to the results files ({', '.join(BENCHES)})",
    )
    args = parser.parse_args(argv)
    options = Options(args.quick, tuple(args.independent))
    figures: list[Figure] = []
    failed = []
    for name, bench in BENCHES.items():
        if args.only and name not in args.only:
            continue
        print(f"# {name}", file=sys.stderr, flush=True)
        try:
            figures += measured(partial(bench, options))
        except Exception:
            traceback.print_exc()
            failed.append(name)
            figures.append(Figure(name, "failed (see the command's output)", met=False))
    if args.quick:
        for figure in figures:
            figure.name += " (quick)"
    print(table(figures))
    if args.only:
        for figure in figures:
            if figure.detail:
                print(f"- {figure.name}: {figure.detail}")
        return 1 if failed else 0
    command = "make bench" + (" BENCH=--quick" if args.quick else "")
    if args.independent:
        # By name, as make eval records them: where a school's folder sits is this machine's, not the figure's.
        command += f' INDEPENDENT="{" ".join(Path(d).name for d in args.independent)}"'
    _, page = write("bench", "Benchmarks", command, figures)
    print(f"\nwritten to {page.relative_to(Path.cwd()) if page.is_relative_to(Path.cwd()) else page}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
