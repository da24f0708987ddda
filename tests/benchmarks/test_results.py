"""The results files: `make eval`'s figures are read from the evaluation's own printed report and judged against the
quality bars; a results page carries the machine, the load and each figure beside its goal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import eval_results, results
from sandbox.school.evaluation import READ_IN_IMAGE, ImageNames, Score, Tally, report


def _score(pupil: Tally, staff: Tally, low: int, audience: int) -> Score:
    score = Score()
    score.tallies[("pupil-follower", "easy")] = pupil
    score.tallies[("staff-personal-follower", "easy")] = staff
    score.low["pupil-follower"] = low
    score.review.append((low, audience))
    score.schools = 1
    return score


def test_the_figures_are_read_from_the_evaluations_report_per_set() -> None:
    good = report(_score(Tally(tp=40), Tally(tp=9, fp=1), low=1, audience=200))
    poor = report(_score(Tally(tp=30, fn=10), Tally(tp=10), low=5, audience=100))
    output = (
        f"== project generator (1 schools) ==\n{good}\n\n== independent generator (1 schools) ==\n{poor}\n"
    )

    figures = {f.name: f for f in eval_results.figures_of(output)}

    assert figures["project generator (1 schools): `pupil-follower` precision / recall"].met is True
    assert figures["project generator (1 schools): `staff-personal-follower` precision / recall"].met is False
    recall = figures["independent generator (1 schools): `pupil-follower` precision / recall"]
    assert recall.value.startswith("1.000 / 0.750") and recall.met is False
    assert figures["project generator (1 schools): low findings, largest share of one school's audience"].met
    assert not figures[
        "independent generator (1 schools): low findings, largest share of one school's audience"
    ].met
    assert figures["independent generator (1 schools): adult namesakes flagged as pupils"].met


def test_pupils_named_in_lettered_photos_are_a_figure_met_only_when_every_one_is_found() -> None:
    """As sandbox/school/evaluation.py's ImageNames prints them; a set without lettered photos has no figure."""
    labels = {
        "expected_exceptions": [
            {"rule": "pupil-named", "subject_id": post, "person_id": pupil, "case": "image_name_card"}
            for post, pupil in (("1", "P1"), ("2", "P2"))
        ]
    }
    read = {"rule": "pupil-named", "subject_id": "1", "person_id": "P1", "severity": "medium"}
    one_found, both_found, none_labelled = ImageNames(), ImageNames(), ImageNames()
    one_found.add(labels, [{**read, "evidence": READ_IN_IMAGE}])
    both_found.add(
        labels,
        [
            {**read, "subject_id": s, "person_id": p, "evidence": READ_IN_IMAGE}
            for s, p in (("1", "P1"), ("2", "P2"))
        ],
    )
    none_labelled.add({"expected_exceptions": []}, [])
    output = "\n".join(
        f"== {name} ==\n{names.report()}"
        for name, names in (("one found", one_found), ("both found", both_found), ("none", none_labelled))
    )

    figures = {f.name: f for f in eval_results.figures_of(output)}

    missed = figures["one found: pupils named in lettered photos, found"]
    assert (missed.value, missed.goal, missed.met) == ("0.500 (1 of 2)", "1.00", False)
    assert figures["both found: pupils named in lettered photos, found"].met is True
    assert not any(name.startswith("none:") for name in figures)


def test_a_results_file_has_the_machine_the_load_and_each_goal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "JSON_DIR", tmp_path / "json")
    monkeypatch.setattr(results, "PAGE_DIR", tmp_path / "page")
    figures = results.measured(lambda: [results.Figure("a ratio", "1.20x", "<= 1.5x", True)])

    json_path, page_path = results.write("bench", "Benchmarks", "make bench", figures)

    written = json.loads(json_path.read_text(encoding="utf-8"))
    assert written["machine"]["cores"] and written["measured_at"]
    assert written["figures"][0]["load"] not in ("", "-")
    page = page_path.read_text(encoding="utf-8")
    assert "| a ratio | 1.20x | <= 1.5x | met |" in page and "usable" in page


def _family(recall: float) -> dict[str, object]:
    rules = {
        rule: {"precision": 1.0, "recall": recall, "tp": 1, "fp": 0, "fn": 0}
        for rule in ("pupil-follower", "staff-personal-follower", "former-pupil-follower")
    }
    return {"rules": rules, "not_theirs_flagged": 0, "low_findings": 0, "low_share": 0.0}


def test_the_figures_scored_blind_before_tuning_are_kept_by_every_later_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "JSON_DIR", tmp_path / "json")
    monkeypatch.setattr(results, "PAGE_DIR", tmp_path / "page")
    recall = {"now": 0.25}

    def evaluate(arguments: list[str]) -> tuple[str, int]:
        sets = Path(arguments[arguments.index("--results") + 1])
        sets.write_text(json.dumps({"families": {"a blind family": _family(recall["now"])}}), "utf-8")
        return "== a blind family (1 schools) ==\n", 0

    monkeypatch.setattr(eval_results, "evaluate", evaluate)
    assert eval_results.main(["--before-tuning", "--forms", "blind"]) == 0
    recall["now"] = 0.75
    assert eval_results.main(["--forms", "blind"]) == 0

    written = json.loads((tmp_path / "json" / "eval.json").read_text(encoding="utf-8"))
    kept = written["before_tuning"]
    assert kept["command"] == "socialaudit evaluate --forms blind"
    assert kept["sets"]["a blind family"]["rules"]["pupil-follower"]["recall"] == 0.25
    assert written["sets"]["families"]["a blind family"]["rules"]["pupil-follower"]["recall"] == 0.75
    page = (tmp_path / "page" / "eval.md").read_text(encoding="utf-8")
    assert "before the resolver was tuned" in page and "1.00/0.25" in page and "1.00/0.75" not in page


def test_an_evaluation_that_measures_nothing_leaves_the_figures_on_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m benchmarks.eval_results --help` once wrote an empty results file and page over the measured ones."""
    monkeypatch.setattr(results, "JSON_DIR", tmp_path / "json")
    monkeypatch.setattr(results, "PAGE_DIR", tmp_path / "page")
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "eval.json").write_text('{"figures": ["kept"]}', encoding="utf-8")
    monkeypatch.setattr(
        eval_results, "evaluate", lambda arguments: ("Usage: socialaudit evaluate [OPTIONS]\n", 0)
    )
    assert eval_results.main(["--help"]) == 0
    assert (tmp_path / "json" / "eval.json").read_text(encoding="utf-8") == '{"figures": ["kept"]}'
    assert not (tmp_path / "page").exists()


def test_the_page_leaves_off_the_case_lists_the_results_file_keeps() -> None:
    output = (
        "rule all 1 0 1\n                           easy 1 0 1\nmissed: pupil-follower/a case x1\n"
        "  missed: 123 P0001\n  false: 456\n0.90-0.95          49    49     1.000\nend"
    )
    assert eval_results.for_the_page(output) == "rule all 1 0 1\nend"


def test_the_page_is_written_again_from_the_results_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(results, "JSON_DIR", tmp_path / "json")
    monkeypatch.setattr(results, "PAGE_DIR", tmp_path / "page")
    figure = results.Figure("a figure", "1.000 / 1.000", ">= 0.97", True)
    appendix = "## The evaluation's output\n\n```text\nrule all 1 0 0\nmissed: a case x1\n```"
    results.write(
        "eval", "Evaluation of the identity rules", "socialaudit evaluate", [figure], appendix=appendix
    )

    eval_results.main(["--rewrite-page"])

    page = (tmp_path / "page" / "eval.md").read_text(encoding="utf-8")
    assert "rule all 1 0 0" in page and "missed: a case" not in page
    kept = json.loads((tmp_path / "json" / "eval.json").read_text(encoding="utf-8"))
    assert "missed: a case x1" in kept["output"] and kept["figures"][0]["name"] == "a figure"


def test_a_sets_name_and_a_shared_measurement_are_said_once() -> None:
    figures = [
        results.Figure(f"{group}: {figure}", "1", "1", True, "2.0", 10.0)
        for group in ("set a", "set b")
        for figure in ("recall", "precision")
    ]
    figures[1].goal = "2"

    shown = results.table(figures)

    assert shown.count("set a") == 1 and shown.count("| **set b** |") == 1
    assert "| recall | 1 | 1 | met |" in shown
    assert shown.count("2.0") == 1 and "load during" not in shown.splitlines()[2]
    figures[0].load = "3.0"
    assert "| set a: recall |" not in results.table(figures)
    assert "| load during | s |" in results.table(figures)


def test_sets_measured_together_with_the_same_goals_are_one_matrix() -> None:
    figures = [
        results.Figure(f"{group}: {figure}", value, "1", value == "1", "2.0", 10.0)
        for group, value in (("set a", "1"), ("set b", "0"))
        for figure in ("recall", "precision")
    ]
    figures += [
        results.Figure(f"set c: {figure}", "1", "1", True, "2.0", 10.0) for figure in ("recall", "f1")
    ]
    figures.append(results.Figure("apart", "1", "1", True, "1.0", 5.0))

    lines = results.table(figures).splitlines()

    assert lines[:6] == [
        "| set | recall | precision | f1 |",
        "| --- | --- | --- | --- |",
        "| goal | 1 | 1 | 1 |",
        "| **set a** | 1 | 1 | - |",
        "| **set b** | 0 **not met** | 0 **not met** | - |",
        "| **set c** | 1 | - | 1 |",
    ]
    assert "Load during 2.0, 10 s; a value meets its goal unless marked **not met**." in lines
    assert "| apart | 1 | 1 | met | 1.0 | 5 |" in lines


def test_figures_ending_alike_sit_under_their_ending_and_a_repeated_load_is_left_blank() -> None:
    ending = "precision / recall against the labels (seed 1, seed 2)"
    figures = [results.Figure(f"`{rule}` {ending}", "1", "1", True, "2.0", 10.0) for rule in ("a", "b", "c")]

    lines = results.table(
        [*figures[:1], results.Figure("other", "1", "1", True, "1.0", 3.0), *figures]
    ).splitlines()

    assert f"| **… {ending}** | | | | | |" in lines
    assert "| `b` | 1 | 1 | met |  |  |" in lines and "| `a` | 1 | 1 | met | 2.0 | 10 |" in lines
    assert f"| `a` {ending} | 1 | 1 | met | 2.0 | 10 |" in lines


def test_a_list_the_row_above_ends_with_is_said_once_and_a_count_is_not() -> None:
    largest = "(largest: opencv-python-headless 169, polars 129, scipy 114)"
    figures = [
        results.Figure("install (core)", f"910 MB {largest}", "< 1000 MB", True, "1.9", 25.0),
        results.Figure("install (core + meta)", f"949 MB {largest}", "< 1000 MB", True, "1.9", 25.0),
        results.Figure(
            "`a` precision / recall", "1.000 / 1.000 (5 true, 0 false, 0 missed)", "1", True, "1.0", 9.0
        ),
        results.Figure(
            "`b` precision / recall", "1.000 / 1.000 (5 true, 0 false, 0 missed)", "1", True, "1.0", 9.0
        ),
    ]

    lines = results.table(figures).splitlines()

    assert f"| install (core) | 910 MB {largest} | < 1000 MB | met | 1.9 | 25 |" in lines
    assert "| install (core + meta) | 949 MB (as above) | < 1000 MB | met |  |  |" in lines
    assert sum("(5 true, 0 false, 0 missed)" in line for line in lines) == 2


def test_the_page_says_once_what_the_figures_table_holds() -> None:
    caveat = eval_results.CAVEAT
    output = (
        f"== set a (1 schools) ==\n{caveat}\npupil-follower             all  4 0 0 1.000 1.000\n"
        "pupil-comment              all  2 0 1 1.000 0.667\nparents, staff or adult namesakes flagged as pupils: 0\n"
        f"\n\n\n== set b (1 schools) ==\n{caveat}\npupil-comment              all  1 0 0 1.000 1.000\n"
        "== per set: follower rules ==\nset a  1.00/1.00\nresults written to /tmp/x/sets.json"
    )

    page = eval_results.for_the_page(output)

    assert "pupil-follower" not in page and "namesakes" not in page and "per set" not in page
    assert page.count(caveat) == 1 and page.count("pupil-comment") == 2 and "\n\n\n" not in page
    assert "/tmp/x" not in page


def test_the_sets_other_rules_are_one_table_and_an_unknown_line_keeps_the_output_as_printed() -> None:
    caveat = eval_results.CAVEAT
    output = (
        f"== set a (1 schools) ==\n{caveat}\nrule                       difficulty     tp   fp   fn precision  recall\n"
        "pupil-comment              all            2    0    1     1.000   0.667\n\n"
        "review load as a share of the audience: 1 of 50 (2.0%); at most 2.0% of one school's audience\n"
        "adults, namesakes, relatives, businesses and accounts run by others flagged by a follower rule at medium+: 0\n"
        "== set b (1 schools) ==\npupil-comment              all            1    0    0     1.000   1.000\n"
    )

    section = eval_results.output_section(output)

    assert "set a (1 schools)  pupil-comment" not in section
    rows = section.split("| --- |", 1)[1].splitlines()
    assert rows[1] == "| set a (1 schools) | 2/0/1 | 1 of 50 (2.0%) | 0 |"
    assert rows[2] == "| set b (1 schools) | 1/0/0 | - | - |"
    assert "a line it does not know" in eval_results.output_section(output + "a line it does not know\n")


def test_an_explanation_every_detail_repeats_is_said_once_above_them() -> None:
    details = [f"start-up (imports, the flow run) {n} s; faces (detect_faces) 1.{n}" for n in range(3)]
    details.append("start-up (imports, the flow run) 9 s; load (1 minute) 2")

    explained, shown = results.said_once(details)

    assert explained == ["start-up (imports, the flow run)", "faces (detect_faces)"]
    assert shown[0] == "start-up 0 s; faces 1.0" and shown[3] == "start-up 9 s; load (1 minute) 2"
    floor = [f"start-up (imports) {n}.1 s (the floor 7.4 s); steps" for n in range(3)]
    assert results.said_once(floor) == (
        ["start-up (imports)", "start-up N s (the floor 7.4 s)"],
        [f"start-up {n}.1 s; steps" for n in range(3)],
    )


def test_the_page_details_only_the_figures_that_missed_their_goal() -> None:
    figures = [
        results.Figure("fast", "1", "1", True, "1.0", 1.0, detail="start-up 1 s"),
        results.Figure("slow", "3", "1", False, "1.0", 1.0, detail="start-up 3 s"),
    ]

    page = results.page("Benchmarks", "make bench", {"measured_at": "now", "machine": _MACHINE}, figures)

    assert "- **slow**: start-up 3 s" in page and "start-up 1 s" not in page
    assert "`benchmarks/results/bench.json`" in page


def test_a_long_detail_is_cut_on_the_page_between_its_parts() -> None:
    parts = [f"step {n} {n}.0 s" for n in range(200)]
    detail = "; ".join(parts)
    figures = [results.Figure("slow", "3", "1", False, "1.0", 1.0, detail=detail)]

    page = results.page("Benchmarks", "make bench", {"measured_at": "now", "machine": _MACHINE}, figures)

    [line] = [line for line in page.splitlines() if line.startswith("- **slow**")]
    kept = line.removeprefix("- **slow**: ").removesuffix(" … (the rest in the results file)")
    assert len(kept) <= results.PAGE_DETAIL and detail.startswith(kept) and kept.endswith(" s")
    assert results.bounded("start-up 3 s") == "start-up 3 s"


def test_however_many_figures_miss_their_details_on_the_page_stay_within_their_bound() -> None:
    detail = "; ".join(f"step {n} (what step {n} does) {n}.0 s" for n in range(100))
    missed = [
        results.Figure(f"set {n}: figure", "3", "1", False, "1.0", 1.0, detail=detail) for n in range(40)
    ]
    about = {"measured_at": "now", "machine": _MACHINE}

    undetailed = [results.Figure(f.name, f.value, f.goal, f.met, f.load, f.seconds) for f in missed]
    without = results.page("Benchmarks", "make bench", about, undetailed)
    page = results.page("Benchmarks", "make bench", about, missed)

    lines = results.missed_details(missed)
    heading = "Where the time went, for the figures that missed their goal"
    assert len(page) - len(without) <= len(heading) + 100 + results.PAGE_DETAILS
    assert sum(len(line) + 1 for line in lines) <= results.PAGE_DETAILS
    shown = [line for line in lines if line.startswith("- **set ")]
    assert 2 <= len(shown) < 40
    assert lines[-1] == f"{40 - len(shown)} more missed figures: their details are in the results file."
    assert results.missed_details(missed[:1])[-1].startswith("- **set 0: figure**: step 0")


_MACHINE = {
    "usable_cores": 2,
    "cores": 2,
    "processor": "cpu",
    "memory_gib": 1.0,
    "system": "Linux",
    "python": "3.11",
    "commit": "abc",
}


BASELINE_BLOCK = (
    "baseline: Splink (Fellegi-Sunter) on display names\n"
    "rule                       project P      R   Splink P      R\n"
    "pupil-follower                 1.000  1.000      0.841  0.249\n"
    "pupil-comment                  1.000  1.000      1.000      -\n"
    "adults flagged as pupils: project 0, Splink 23\n"
)


def test_a_baseline_is_a_table_of_its_own_and_the_sets_rows_stay_one_table() -> None:
    output = (
        "== set a (1 schools) ==\npupil-comment              all            2    0    1     1.000   0.667\n\n"
        + BASELINE_BLOCK
        + "== set b (1 schools) ==\npupil-comment              all            1    0    0     1.000   1.000\n"
    )

    section = eval_results.output_section(output)

    assert "| set a (1 schools) | 2/0/1 |" in section and "| set b (1 schools) | 1/0/0 |" in section
    baseline = section.split("## Beside a baseline", 1)[1]
    assert "Splink (Fellegi-Sunter) on display names: its precision / recall" in baseline
    assert "| set a (1 schools) | 0.841 / 0.249 | 1.000 / - | 23 (the project 0) |" in baseline
    assert "set b" not in baseline  # the baseline did not run on it
    bar = results.Figure("set a (1 schools): `pupil-follower` precision / recall", "1 / 1", ">= 0.97", True)
    beside = eval_results.with_the_sets_rows([bar], output.split("== set b")[0])
    assert beside is not None and "| set a (1 schools) | 0.841 / 0.249 |" in beside[1]


def test_output_shown_as_printed_is_cut_to_its_bound_between_lines() -> None:
    output = "== set a (1 schools) ==\n" + "a line the tables do not know\n" * 200

    section = eval_results.output_section(output)

    shown = section.split("```text\n", 1)[1]
    assert len(shown) <= eval_results.PRINTED_MOST + 100
    assert "a line the tables do not know\n… (the rest in the results file" in shown


def test_each_sets_other_rules_sit_beside_its_bars() -> None:
    bar = results.Figure(
        "set a (1 schools): `pupil-follower` precision / recall", "1.000 / 1.000", ">= 0.97", True
    )
    output = (
        "== set a (1 schools) ==\npupil-comment              all            2    0    1     1.000   0.667\n"
    )

    beside = eval_results.with_the_sets_rows([bar], output)

    assert beside is not None
    figures, note = beside
    assert [f.name for f in figures] == [bar.name, "set a (1 schools): pupil-comment"]
    assert "| pupil-comment | 2/0/1 | - | - |" in results.table(figures)
    assert "true / false / missed" in note
    assert eval_results.with_the_sets_rows([bar], "== set b (1 schools) ==\n") is None


def test_the_benchmark_counts_pupils_named_in_lettered_photos_over_every_school_it_audits() -> None:
    from benchmarks import media_matching
    from benchmarks.__main__ import lettered_photos_figure

    labels = {
        "expected_exceptions": [
            {"rule": "pupil-named", "subject_id": "p1", "person_id": "P1", "case": "image_name_card"},
            {"rule": "pupil-named", "subject_id": "p2", "person_id": "P2", "case": "image_certificate"},
            {"rule": "pupil-named", "subject_id": "p3", "person_id": "P3", "case": "text_full_name"},
        ]
    }
    read = "Kiara Forbes-Thompson (text read in image 3_1, confidence 0.93)"
    exceptions = [
        {
            "rule": "pupil-named",
            "subject_id": "p1",
            "person_id": "P1",
            "severity": "medium",
            "evidence": read,
        },
        {
            "rule": "pupil-named",
            "subject_id": "p3",
            "person_id": "P3",
            "severity": "high",
            "evidence": "in the text",
        },
    ]
    school = {
        "size": "large",
        "seed": 25,
        "image_names": media_matching.names_in_lettered_photos(labels, exceptions),
    }
    assert school["image_names"] == {"labelled": 2, "found": 1, "missed": ["p2 P2"]}
    missed = lettered_photos_figure([school], "large seed 25")
    assert (missed.value, missed.met, missed.detail) == (
        "0.500 (1 of 2)",
        False,
        "missed: large seed 25: post p2 P2",
    )
    exceptions.append({**exceptions[0], "subject_id": "p2", "person_id": "P2"})
    school["image_names"] = media_matching.names_in_lettered_photos(labels, exceptions)
    assert lettered_photos_figure([school], "large seed 25").met is True
