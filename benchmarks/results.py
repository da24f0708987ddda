"""The results files of `make bench` and `make eval`: the latest figures, each beside its goal, whether it was met,
and the load on the machine while it was measured; the machine itself once at the top.

Each is written twice from the same rows: `benchmarks/results/<name>.json` for tools, and `docs/results/<name>.md`
for the documentation site, which includes it as it stands (the figures are never typed into the prose).
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JSON_DIR = ROOT / "benchmarks" / "results"
PAGE_DIR = ROOT / "docs" / "results"


@dataclass
class Figure:
    """One measured figure: what, the value as read, its goal in words, whether it was met (None: no goal)."""

    name: str
    value: str
    goal: str = "-"
    met: bool | None = None
    load: str = ""
    seconds: float = 0.0
    detail: str = ""


@dataclass
class Load:
    """The machine's 1-minute load average, sampled while a measurement runs."""

    samples: list[float] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.samples:
            return "-"
        low, high = min(self.samples), max(self.samples)
        return f"{low:.1f}" if round(low, 1) == round(high, 1) else f"{low:.1f}-{high:.1f}"


@contextmanager
def sampled_load(every: float = 5.0) -> Iterator[Load]:
    """The load average at the start, every few seconds meanwhile (a thread), and at the end."""
    import threading

    load = Load([os.getloadavg()[0]])
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            load.samples.append(os.getloadavg()[0])

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield load
    finally:
        stop.set()
        sampler.join()
        load.samples.append(os.getloadavg()[0])


def measured(run: Callable[[], list[Figure]]) -> list[Figure]:
    """Run one benchmark and stamp each of its figures with the load during it and its length."""
    started = time.perf_counter()
    with sampled_load() as load:
        figures = run()
    seconds = time.perf_counter() - started
    for figure in figures:
        figure.load = figure.load or str(load)
        figure.seconds = figure.seconds or round(seconds, 1)
    return figures


def machine() -> dict[str, Any]:
    """What the figures were measured on: cores, processor, memory, Python, the commit."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "processor": model,
        "memory_gib": round(memory_gib, 1),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "commit": commit or "unknown",
    }


def verdict(met: bool | None) -> str:
    return "-" if met is None else ("met" if met else "**not met**")


def _grouped(figures: list[Figure]) -> list[tuple[str, list[tuple[str, Figure]]]]:
    """Consecutive figures named `SET: FIGURE` with the same SET, as (SET, [(FIGURE, figure)]); any other figure is
    a group of its own with no heading."""
    groups: list[tuple[str, list[tuple[str, Figure]]]] = []
    for f in figures:
        group, _, short = f.name.rpartition(": ")
        if group and groups and groups[-1][0] == group:
            groups[-1][1].append((short, f))
        else:
            groups.append((group, [(short if group else f.name, f)]))
    return _by_ending(
        [(group, rows) if len(rows) > 1 else ("", [(rows[0][1].name, rows[0][1])]) for group, rows in groups]
    )


# Consecutive figures (at least ENDING_AT) whose names end in the same words, at least ENDING_CHARS of them (what
# each measures and on which schools), sit under those words, said once, each row named by what differs.
ENDING_AT = 3
ENDING_CHARS = 30
ENDING = "… "


def _ending(names: list[str]) -> str:
    """The words all of `names` end with, from a space."""
    shortest = min(names, key=len)
    for start in range(len(shortest)):
        if (start == 0 or shortest[start - 1] == " ") and all(n.endswith(shortest[start:]) for n in names):
            return shortest[start:] if all(len(n) > len(shortest) - start for n in names) else ""
    return ""


def _by_ending(
    groups: list[tuple[str, list[tuple[str, Figure]]]],
) -> list[tuple[str, list[tuple[str, Figure]]]]:
    out: list[tuple[str, list[tuple[str, Figure]]]] = []
    run: list[Figure] = []

    def close() -> None:
        ending = _ending([f.name for f in run]) if len(run) >= ENDING_AT else ""
        if len(ending) >= ENDING_CHARS:
            out.append((ENDING + ending, [(f.name.removesuffix(ending).strip(), f) for f in run]))
        else:
            out.extend(("", [(f.name, f)]) for f in run)
        run.clear()

    for group, rows in groups:
        single = rows[0][1] if not group else None
        if single and run and len(_ending([f.name for f in [*run, single]])) < ENDING_CHARS:
            close()
        if single:
            run.append(single)
        else:
            close()
            out.append((group, rows))
    close()
    return out


def _matrices(
    groups: list[tuple[str, list[tuple[str, Figure]]]],
) -> list[list[tuple[str, list[tuple[str, Figure]]]]]:
    """The groups cut into runs: consecutive named sets measured together whose figures of one name share a goal
    (each shown as one matrix, the figures' names and goals said once), and the groups left to the list."""
    runs: list[list[tuple[str, list[tuple[str, Figure]]]]] = []
    for group in groups:
        run = runs[-1] if runs else []
        goals = {name: f.goal for _, rows in run for name, f in rows}
        fits = (
            group[0]
            and not group[0].startswith(ENDING)
            and run
            and run[0][0]
            and not run[0][0].startswith(ENDING)
            and all(f.met is not None or f.goal == "-" for _, f in group[1])
            and all(goals.get(name, f.goal) == f.goal for name, f in group[1])
            and {(f.load, f.seconds) for _, rows in [*run, group] for _, f in rows}
            == {(group[1][0][1].load, group[1][0][1].seconds)}
        )
        if fits:
            run.append(group)
        else:
            runs.append([group])
    return runs


def _matrix(run: list[tuple[str, list[tuple[str, Figure]]]], one_measurement: bool) -> list[str]:
    names = list(dict.fromkeys(name for _, rows in run for name, _ in rows))
    goals = {name: f.goal for _, rows in run for name, f in rows}
    lines = [
        "| set | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
        "| goal | " + " | ".join(goals[name] for name in names) + " |",
    ]
    for group, rows in run:
        cells = dict(rows)
        lines.append(
            f"| **{group}** | "
            + " | ".join(
                "-"
                if name not in cells
                else cells[name].value + (" **not met**" if cells[name].met is False else "")
                for name in names
            )
            + " |"
        )
    first = run[0][1][0][1]
    load = "" if one_measurement else f"Load during {first.load}, {first.seconds:.0f} s; a"
    return [*lines, "", f"{load or 'A'} value meets its goal unless marked **not met**."]


# A long closing parenthesis (a list, not a count) that a value repeats word for word from the row above.
_TRAILING = re.compile(r" (\([^()]{40,}\))$")


def _said_above(value: str, value_above: str) -> str:
    """`value` with its closing parenthesis (the largest packages of an install) as "(as above)" when the value of
    the row above ends with the same one."""
    found = _TRAILING.search(value)
    if found and value_above.endswith(f" {found[1]}"):
        return value[: found.start()] + " (as above)"
    return value


def table(figures: list[Figure]) -> str:
    """The tables `make bench` prints and the results page shows. Sets measured together that share their figures'
    names and goals are one matrix (a set a row, a figure a column, the goals once); a value there meets its goal
    unless marked. Other figures of one set (named `SET: FIGURE`) sit under the set's name, said once. A load and a
    length every figure shares (one measurement) are said once, above the tables, instead of in a column; in the list,
    a blank load and length are the row above's."""
    one_measurement = len({(f.load, f.seconds) for f in figures}) == 1 and len(figures) > 1
    lines: list[str] = []
    if one_measurement:
        first = figures[0]
        lines = [f"All measured in one run: load during {first.load}, {first.seconds:.0f} s.", ""]
    header = (
        ["| figure | value | goal | met |", "| --- | --- | --- | --- |"]
        if one_measurement
        else ["| figure | value | goal | met | load during | s |", "| --- | --- | --- | --- | --- | --- |"]
    )
    listed: list[str] = []
    above: tuple[str, float] | None = None
    value_above = ""
    for run in _matrices(_grouped(figures)):
        if len(run) > 1:
            if listed:
                lines += [*listed, ""]
                listed = []
            lines += [*_matrix(run, one_measurement), ""]
            continue
        if not listed:
            listed, above, value_above = list(header), None, ""
        group, rows = run[0]
        if group:
            listed.append(f"| **{group}** | | | |" + ("" if one_measurement else " | |"))
        for name, f in rows:
            cells = [name, _said_above(f.value, value_above), f.goal, verdict(f.met)]
            value_above = f.value
            if not one_measurement:
                cells += ["", ""] if above == (f.load, f.seconds) else [f.load, f"{f.seconds:.0f}"]
                above = (f.load, f.seconds)
            listed.append("| " + " | ".join(cells) + " |")
    lines += listed
    return "\n".join(lines).strip()


# A parenthesis that at least this many figures' details repeat word for word after the same words (a step's name,
# what a profile counts) is said once, above the details, and left out of each.
SAID_ONCE_AT = 3
_EXPLAINED = re.compile(
    r"(?:^|(?<=[;:.,] ))(?P<term>[A-Za-z][A-Za-z' -]*?)(?P<amount> [\d.]+ s)? \((?P<inner>[^()]+)\)"
)


def said_once(details: list[str]) -> tuple[list[str], list[str]]:
    """(the explanations said once, the details without them). A term's amount in seconds may differ from one detail
    to the next ("start-up 5.1 s (...)"), and an explanation taken out may bare another behind it."""
    explained: list[str] = []
    while True:
        counts: Counter[tuple[str, bool, str]] = Counter()
        for detail in details:
            found = (m for m in _EXPLAINED.finditer(detail))
            counts.update(list(dict.fromkeys((m["term"], bool(m["amount"]), m["inner"]) for m in found)))
        repeated = [key for key, count in counts.items() if count >= SAID_ONCE_AT]  # in the order first met
        if not repeated:
            return explained, details
        for term, amount, inner in repeated:
            pattern = re.escape(term) + (r"( [\d.]+ s)" if amount else "()") + re.escape(f" ({inner})")
            details = [re.sub(pattern, term.replace("\\", "\\\\") + r"\1", detail) for detail in details]
            explained.append(f"{term}{' N s' if amount else ''} ({inner})")


# A missed figure's detail on the page is at most PAGE_DETAIL long, and the details of every missed figure together
# (with what they say once) at most PAGE_DETAILS: the page grows by a bounded amount however many figures miss, so a
# run that misses every goal can still be written and kept (the docs' size budget, tests/test_docs.py). Figures whose
# details do not fit are counted in one line; the results file keeps every detail whole.
PAGE_DETAIL = 500
PAGE_DETAILS = 1_600


def bounded(detail: str, most: int = PAGE_DETAIL) -> str:
    """`detail` whole when it fits, else its parts ("; " or ". " apart) that fit, and a pointer to the rest."""
    if len(detail) <= most:
        return detail
    parts = re.split(r"(?<=[;.]) ", detail)
    kept = ""
    for part in parts:
        if kept and len(kept) + 1 + len(part) > most:
            break
        kept = f"{kept} {part}" if kept else part
    return kept[:most].rstrip(";. ") + " … (the rest in the results file)"


def _details(named: list[str], details: list[str]) -> list[str]:
    """One item per figure's detail; those of one set (`SET: FIGURE`) under the set's name, said once."""
    lines: list[str] = []
    sets = [name.rpartition(": ")[0] for name in named]
    for index, (name, detail) in enumerate(zip(named, details, strict=True)):
        group, short = sets[index], name.rpartition(": ")[2]
        together = [i for i in (index - 1, index + 1) if 0 <= i < len(sets) and group and sets[i] == group]
        if not together:
            lines.append(f"- **{name}**: {detail}")
            continue
        if together[0] > index or sets[index - 1] != group:
            lines.append(f"- **{group}**")
        lines.append(f"    - *{short}*: {detail}")
    return lines


def missed_details(detailed: list[Figure], most: int = PAGE_DETAILS) -> list[str]:
    """The page's lines on where the missed figures' time went: as many figures, in the table's order, as fit in
    `most` characters, and a line counting the rest (whose details are in the results file only)."""
    for shown in range(len(detailed), -1, -1):
        explained, details = said_once([f.detail for f in detailed[:shown]])
        lines = ["", "In the details below: " + "; ".join(explained) + "."] if explained else []
        if details:
            lines += ["", *_details([f.name for f in detailed[:shown]], [bounded(d) for d in details])]
        if shown < len(detailed):
            more = len(detailed) - shown
            lines += [
                "",
                f"{more} more missed figure{'s' if more > 1 else ''}: their details are in the results file.",
            ]
        if sum(len(line) + 1 for line in lines) <= most:
            return lines
    return []


def page(
    title: str,
    command: str,
    about: dict[str, Any],
    figures: list[Figure],
    appendix: str = "",
    json_name: str = "benchmarks/results/bench.json",
) -> str:
    when = about["measured_at"]
    host = about["machine"]
    lines = [
        f"# {title}",
        "",
        f"Written by `{command}` at {when} on {host['usable_cores']} usable of {host['cores']} cores "
        f"({host['processor']}), {host['memory_gib']} GiB, {host['system']}, Python {host['python']}, commit "
        f"`{host['commit']}`. Each figure's load is the machine's 1-minute load average while it was measured "
        "(over the usable cores means other work shared them).",
        "",
        table(figures),
    ]
    # A figure's details say where its time went: the page keeps those of the figures that missed their goal, the
    # results file every figure's.
    detailed = [f for f in figures if f.detail and f.met is False]
    if len(detailed) < len([f for f in figures if f.detail]):
        lines += [
            "",
            f"Where the time went, for the figures that missed their goal (every figure's: `{json_name}`).",
        ]
    lines += missed_details(detailed)
    if appendix:
        lines += ["", appendix]
    return "\n".join(lines) + "\n"


def write(
    name: str,
    title: str,
    command: str,
    figures: list[Figure],
    appendix: str = "",
    details: dict[str, object] | None = None,
) -> tuple[Path, Path]:
    """benchmarks/results/<name>.json and docs/results/<name>.md, both from the same figures."""
    about = {
        "command": command,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
    }
    JSON_DIR.mkdir(parents=True, exist_ok=True)
    PAGE_DIR.mkdir(parents=True, exist_ok=True)
    data = {**about, "figures": [asdict(f) for f in figures], **(details or {}), "appendix": appendix}
    json_path, page_path = JSON_DIR / f"{name}.json", PAGE_DIR / f"{name}.md"
    json_path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    page_path.write_text(
        page(title, command, about, figures, appendix, f"benchmarks/results/{name}.json"), encoding="utf-8"
    )
    return json_path, page_path


# The pages `python -m benchmarks.results --rewrite-page NAME` writes again (make eval's has its own, which also
# rewrites its appendix: benchmarks/eval_results.py).
TITLES = {"bench": "Benchmarks"}


def rewrite_page(name: str) -> Path:
    """docs/results/<name>.md again from benchmarks/results/<name>.json as it stands: the same measurement, the page
    as this module writes it now."""
    data = json.loads((JSON_DIR / f"{name}.json").read_text(encoding="utf-8"))
    figures = [Figure(**figure) for figure in data["figures"]]
    about = {"measured_at": data["measured_at"], "machine": data["machine"]}
    path = PAGE_DIR / f"{name}.md"
    path.write_text(
        page(
            TITLES[name],
            data["command"],
            about,
            figures,
            data.get("appendix", ""),
            f"benchmarks/results/{name}.json",
        ),
        encoding="utf-8",
    )
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--rewrite-page" or sys.argv[2] not in TITLES:
        sys.exit(f"usage: python -m benchmarks.results --rewrite-page {{{','.join(TITLES)}}}")
    print(f"written to {rewrite_page(sys.argv[2])}")
