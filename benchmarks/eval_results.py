"""`make eval`'s results file: runs `socialaudit evaluate` with the arguments given, shows its output as it comes,
and writes benchmarks/results/eval.json and docs/results/eval.md: the follower rules' precision and recall on each
set of schools against the quality bars, the machine and its load, and the evaluation's whole output below them.

    python -m benchmarks.eval_results [--before-tuning] [socialaudit evaluate's arguments]
    python -m benchmarks.eval_results --rewrite-page   # the page again from eval.json, measuring nothing

A family built from a description alone (the blind family) is scored once before the resolver is tuned on it
(`--before-tuning --forms blind`): that run's per-set figures are kept in the results file as the record scored
blind, apart from the latest figures, and every later run carries the record over unchanged, so the figure
measured before tuning stays beside the figures after it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import results
from benchmarks.results import Figure, machine, measured, table, write

# The quality bars for the follower rules on the cases a careful person could decide (precision, recall).
BARS = {"pupil-follower": (0.97, 0.95), "staff-personal-follower": (0.95, 0.90)}
REVIEW_LOAD_BAR = 0.01  # low ("possible") findings at most 1% of one school's audience
SET_TITLE = re.compile(r"^== (?P<title>.+) ==$")
RULE_ROW = re.compile(
    r"^(?P<rule>[a-z-]+)\s+all\s+(?P<tp>\d+)\s+(?P<fp>\d+)\s+(?P<fn>\d+)\s+(?P<p>[\d.]+|-)\s+(?P<r>[\d.]+|-)$"
)
ONE_SCHOOL_SHARE = re.compile(r"at most (?P<share>[\d.]+)% of one school's audience")
NAMESAKES = re.compile(r"^parents, staff or adult namesakes flagged as pupils: (?P<n>\d+)")
# Reading images must not lose text: every pupil named in a labelled lettered photo is found (the line
# sandbox/school/evaluation.py `ImageNames` prints). A set without such photos has no figure.
NAMES_IN_IMAGES = re.compile(
    r"^names read from images .*? (?P<recalled>\d+) of (?P<labelled>\d+) labelled image cases; .*?recall (?P<r>[\d.]+)"
)


def figures_of(output: str) -> list[Figure]:
    """The figures with a bar, per set of schools, read from the evaluation's printed tables."""
    figures: list[Figure] = []
    title = "schools"
    for line in output.splitlines():
        if found := SET_TITLE.match(line.strip()):
            title = found["title"]
        elif (row := RULE_ROW.match(line.strip())) and row["rule"] in BARS:
            precision_bar, recall_bar = BARS[row["rule"]]
            precision = None if row["p"] == "-" else float(row["p"])
            recall = None if row["r"] == "-" else float(row["r"])
            met = (precision is None or precision >= precision_bar) and (
                recall is None or recall >= recall_bar
            )
            figures.append(
                Figure(
                    f"{title}: `{row['rule']}` precision / recall",
                    f"{row['p']} / {row['r']} ({row['tp']} true, {row['fp']} false, {row['fn']} missed)",
                    f">= {precision_bar} / >= {recall_bar}",
                    met,
                )
            )
        elif found := ONE_SCHOOL_SHARE.search(line):
            share = float(found["share"]) / 100
            figures.append(
                Figure(
                    f"{title}: low findings, largest share of one school's audience",
                    f"{share:.1%}",
                    f"<= {REVIEW_LOAD_BAR:.0%}",
                    share <= REVIEW_LOAD_BAR,
                )
            )
        elif found := NAMESAKES.match(line.strip()):
            figures.append(
                Figure(f"{title}: adult namesakes flagged as pupils", found["n"], "0", found["n"] == "0")
            )
        elif found := NAMES_IN_IMAGES.match(line.strip()):
            recalled, labelled = int(found["recalled"]), int(found["labelled"])
            figures.append(
                Figure(
                    f"{title}: pupils named in lettered photos, found",
                    f"{found['r']} ({recalled} of {labelled})",
                    "1.00",
                    recalled == labelled,
                )
            )
    return figures


def evaluate(arguments: Sequence[str]) -> tuple[str, int]:
    socialaudit = Path(sys.executable).with_name("socialaudit")
    process = subprocess.Popen(
        [str(socialaudit), "evaluate", *arguments], stdout=subprocess.PIPE, text=True, encoding="utf-8"
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        sys.stdout.write(line)
        lines.append(line)
    return "".join(lines), process.wait()


BEFORE_TUNING = "before_tuning"


def kept_record() -> dict[str, Any] | None:
    """The figures scored blind before tuning, as the results file holds them (None when it holds none)."""
    path = results.JSON_DIR / "eval.json"
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8")).get(BEFORE_TUNING)
    except (json.JSONDecodeError, AttributeError):
        return None
    return record if isinstance(record, dict) else None


def record_section(record: dict[str, Any]) -> str:
    """The kept record as a section of the results page: each set's one line, and how it was measured."""
    from sandbox.school.evaluation import family_table

    # The folder the schools were kept in (--keep) was the measuring machine's: nothing a reader can open.
    command = re.sub(r" --keep \S+", "", str(record["command"]))
    return (
        "## Scored blind, before the resolver was tuned on the family\n\n"
        f"`{command}` at {record['measured_at']}, commit `{record['commit']}`; kept by every later run."
        "\n\n"
        "```text\n" + family_table(record["sets"]) + "\n```"
    )


# Left off the page, whose reader wants each rule's figures per set, and kept whole in eval.json (`output`, `sets`):
# the lists of every case missed or flagged wrongly, the rows per difficulty, the precision per confidence band,
# the names read from images, the report's list for a person to judge, the low findings counted per school and per
# rule (the review load's share of the audience stays), true findings naming another register entry.
CASE_LISTS = re.compile(
    r"^[\w-]+: \d+ low findings$|^low-severity findings \(review load\) over|^true findings naming another|"
    r"^\s*(?:missed|false): |^\s{20,}(?:declared|easy|medium|hard|undecidable|unlabelled)\s|"
    r"^observed precision per confidence band|^confidence\s+findings|^\d\.\d\d-\d\.\d\d\s|^1\.00 declared|"
    r"^names read from images|^the report's \"For a person to judge\""
)


# Said once on the page: the lines the figures table above already holds (the rules with a bar, the namesakes), the
# table header's caveat after its first time, the closing per-set summary (each set's block says the same, to more
# places) and where this machine kept its working files.
PER_SET_SUMMARY = re.compile(r"^== per set: ")
WORKING_FILES = re.compile(r"^results written to ")
CAVEAT = "findings of medium and above; undecidable cases excluded from recall"
OUTPUT_NOTE = "Each set's other rules and counts (the figures in the table above are left out here)."
TABLE_NOTE = (
    "Each set's other rules (true / false / missed findings of medium and above; undecidable cases excluded from "
    "recall), its review load and the accounts flagged that are not the person's own."
)
ROWS_NOTE = (
    "Beside the bars, each set's other rules (true / false / missed findings of medium and above; undecidable cases "
    "excluded from recall), its review load and the accounts flagged that are not the person's own."
)
LOAD = re.compile(r"^review load as a share of the audience: (?P<load>\d+ of \d+ \([\d.]+%\))")
# The evaluation's baseline (sandbox/school/evaluation.py): a named matcher's precision and recall per rule beside the
# project's, and the adults each flags as pupils; a table of its own on the page, a row per set it ran on.
BASELINE = re.compile(r"^baseline: (?P<what>.+)$")
BASELINE_ROW = re.compile(
    r"^(?P<rule>[a-z-]+)\s+(?P<p>[\d.]+|-)\s+(?P<r>[\d.]+|-)\s+(?P<their_p>[\d.]+|-)\s+(?P<their_r>[\d.]+|-)$"
)
BASELINE_ADULTS = re.compile(
    r"^adults flagged as pupils: project (?P<ours>\d+), (?P<name>\S+) (?P<theirs>\d+)$"
)
# The output shown as printed (a line the tables do not know) is cut to this many characters on the page; the
# results file keeps it whole.
PRINTED_MOST = 2_000
NOT_THEIRS = re.compile(
    r"^adults, namesakes, relatives, businesses and accounts run by others flagged .*: (?P<n>\d+)$"
)


def for_the_page(output: str) -> str:
    kept: list[str] = []
    for line in output.splitlines():
        if PER_SET_SUMMARY.match(line.strip()):
            break
        row = RULE_ROW.match(line.strip())
        if (
            CASE_LISTS.match(line)
            or WORKING_FILES.match(line)
            or NAMESAKES.match(line.strip())
            or (row and row["rule"] in BARS)
            or (line.strip() == CAVEAT and CAVEAT in kept)
            or (not line.strip() and (not kept or not kept[-1].strip()))
        ):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def set_rows(page_output: str) -> dict[str, dict[str, str]] | None:
    """The sets' blocks as a row per set, column -> value (None when a line is not one such a row holds, so that the
    output is shown as printed instead of losing it)."""
    rows: dict[str, dict[str, str]] = {}
    title = ""
    for line in page_output.splitlines():
        text = line.strip()
        if found := SET_TITLE.match(text):
            title = found["title"]
            rows[title] = {}
        elif row := RULE_ROW.match(text):
            rows[title][row["rule"]] = f"{row['tp']}/{row['fp']}/{row['fn']}"
        elif found := LOAD.match(text):
            rows[title]["review load"] = found["load"]
        elif found := NOT_THEIRS.match(text):
            rows[title]["not theirs"] = found["n"]
        elif _of_the_baseline(text):
            continue  # baseline_section
        elif text and text != CAVEAT and not text.startswith("rule "):
            return None
    return None if not rows or "" in rows else rows


def _of_the_baseline(text: str) -> bool:
    return bool(BASELINE.match(text) or BASELINE_ROW.match(text) or BASELINE_ADULTS.match(text))


def baseline_section(page_output: str) -> str:
    """The baseline's figures as a table of their own, a row per set it ran on ("" when it ran on none)."""
    what, title = "", ""
    rows: dict[str, dict[str, str]] = {}
    for line in page_output.splitlines():
        text = line.strip()
        if found := SET_TITLE.match(text):
            title = found["title"]
        elif found := BASELINE.match(text):
            what = found["what"]
            rows[title] = {}
        elif (found := BASELINE_ROW.match(text)) and title in rows:
            rows[title][f"`{found['rule']}`"] = f"{found['their_p']} / {found['their_r']}"
        elif (found := BASELINE_ADULTS.match(text)) and title in rows:
            rows[title]["adults flagged as pupils"] = f"{found['theirs']} (the project {found['ours']})"
    if not rows:
        return ""
    return (
        f"## Beside a baseline\n\n{what}: its precision / recall per rule on the same schools (the project's are "
        "above).\n\n" + markdown_table(rows)
    )


def and_the_baseline(section: str, page_output: str) -> str:
    """`section`, and the baseline's own table below it when the evaluation ran one."""
    baseline = baseline_section(page_output)
    return f"{section}\n\n{baseline}" if baseline else section


def as_printed(page_output: str, most: int = PRINTED_MOST) -> str:
    """The output as printed, whole lines up to `most` characters, and a pointer to the rest."""
    if len(page_output) <= most:
        return page_output
    cut = page_output[:most].rpartition("\n")[0]
    return cut + "\n… (the rest in the results file, benchmarks/results/eval.json)"


def one_table(page_output: str) -> str | None:
    """The sets' blocks as one Markdown table, a row per set (None: see set_rows)."""
    rows = set_rows(page_output)
    return None if rows is None else markdown_table(rows)


def markdown_table(rows: dict[str, dict[str, str]]) -> str:
    """A row per set, a column per key any set has ("-" where a set has none)."""
    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    lines = ["| set | " + " | ".join(columns) + " |", "| --- |" + " --- |" * len(columns)]
    lines += [
        f"| {title} | " + " | ".join(row.get(column, "-") for column in columns) + " |"
        for title, row in rows.items()
    ]
    return "\n".join(lines)


def with_the_sets_rows(figures: list[Figure], output: str) -> tuple[list[Figure], str] | None:
    """The figures with each set's other columns beside its bars (figures with no goal, said in the page's one table
    of the sets), and the note saying what those columns are; None when a set has no figures to sit beside."""
    rows = set_rows(for_the_page(output).rstrip())
    sets = {f.name.rpartition(": ")[0] for f in figures}
    if rows is None or not set(rows) <= sets:
        return None
    merged: list[Figure] = []
    for index, figure in enumerate(figures):
        merged.append(figure)
        title = figure.name.rpartition(": ")[0]
        if index + 1 == len(figures) or figures[index + 1].name.rpartition(": ")[0] != title:
            merged += [
                Figure(f"{title}: {column}", value, load=figure.load, seconds=figure.seconds)
                for column, value in rows.get(title, {}).items()
            ]
    return merged, and_the_baseline(ROWS_NOTE, for_the_page(output))


def output_section(output: str) -> str:
    """The evaluation's output as the page shows it: one table of the sets when it can be, else as printed."""
    kept = for_the_page(output).rstrip()
    if (compact := one_table(kept)) is not None:
        return and_the_baseline("## The evaluation's output\n\n" + TABLE_NOTE + "\n\n" + compact, kept)
    return "## The evaluation's output\n\n" + OUTPUT_NOTE + "\n\n```text\n" + as_printed(kept) + "\n```"


def by_name(argument: str) -> str:
    """A dataset folder by its name alone: the results say which schools, not where this machine keeps them."""
    return Path(argument).name if argument.startswith("/") and Path(argument).is_dir() else argument


def rewrite_page() -> Path:
    """docs/results/eval.md written again from benchmarks/results/eval.json as it stands: the same measurement,
    the page as this module writes it now."""
    data = json.loads((results.JSON_DIR / "eval.json").read_text(encoding="utf-8"))
    output = str(data.get("output") or data.get("appendix", "")).split("## The evaluation's output", 1)[-1]
    output = output.split("```text", 1)[-1].strip().removesuffix("```").strip()
    figures = [Figure(**figure) for figure in data["figures"]]
    shown = figures
    if (beside := with_the_sets_rows(figures, output)) is not None:
        shown, appendix = beside
    else:
        appendix = output_section(output)
    if isinstance(data.get(BEFORE_TUNING), dict):
        # The note on the columns beside the bars stays under their table; the output's own section goes last.
        parts = (
            [appendix, record_section(data[BEFORE_TUNING])]
            if beside
            else [record_section(data[BEFORE_TUNING]), appendix]
        )
        appendix = "\n\n".join(parts)
    data["output"], data["appendix"] = output, appendix
    data["command"] = " ".join(by_name(a) for a in str(data["command"]).split())
    if isinstance(data.get("sets"), dict):
        data["sets"]["independent"] = [by_name(d) for d in data["sets"].get("independent", [])]
    (results.JSON_DIR / "eval.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    page = results.PAGE_DIR / "eval.md"
    about = {"measured_at": data["measured_at"], "machine": data["machine"]}
    title = "Evaluation of the identity rules"
    page.write_text(results.page(title, data["command"], about, shown, appendix), encoding="utf-8")
    return page


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments == ["--rewrite-page"]:
        print(f"written to {rewrite_page()}")
        return 0
    before_tuning = "--before-tuning" in arguments
    arguments = [a for a in arguments if a != "--before-tuning"]
    # The evaluation's own per-set figures (every follower rule, what is not theirs, the review load) go into the
    # one results file beside the bars, through a scratch file removed however the evaluation ends.
    with tempfile.TemporaryDirectory(prefix="socialaudit-eval-") as scratch:
        return evaluated(arguments, Path(scratch) / "sets.json", before_tuning=before_tuning)


def evaluated(arguments: list[str], sets: Path, *, before_tuning: bool) -> int:
    """Evaluate, with the per-set figures written to `sets`, and write the results file."""
    outcome: dict[str, object] = {}
    command = " ".join(["socialaudit evaluate", *(by_name(a) for a in arguments)])
    arguments = [*arguments, "--results", str(sets)] if "--results" not in arguments else arguments

    def run() -> list[Figure]:
        outcome["output"], outcome["status"] = evaluate(arguments)
        return figures_of(str(outcome["output"]))

    figures = measured(run)
    if outcome["status"] != 0:
        return int(str(outcome["status"]))
    output = output_section(str(outcome["output"]))
    per_set = json.loads(sets.read_text(encoding="utf-8")) if sets.exists() else None
    # `--help`, or an evaluation that scored no set: the figures on record stay.
    if not figures and not per_set:
        print("no figure was measured: the results file and page are left as they were", file=sys.stderr)
        return 0
    if per_set:
        per_set["independent"] = [by_name(d) for d in per_set.get("independent", [])]
    details: dict[str, object] = {"sets": per_set} if per_set else {}
    details["output"] = str(outcome["output"])
    record = kept_record()
    if before_tuning:
        record = {
            "command": command,
            "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": machine()["commit"],
            "figures": [asdict(f) for f in figures],
            "sets": (per_set or {}).get("families", {}),
        }
    if record is not None:
        details[BEFORE_TUNING] = record
        output = record_section(record) + "\n\n" + output
    write("eval", "Evaluation of the identity rules", command, figures, appendix=output, details=details)
    print("\n" + table(figures) + f"\n\nwritten to {rewrite_page()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
