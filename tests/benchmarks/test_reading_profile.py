"""The reading profile sorts py-spy's samples by kind of work; a method is named `Class.method` by py-spy 0.4."""

from __future__ import annotations

from pathlib import Path

from benchmarks.reading_profile import RATE, tally

RUN = 'process 10:"python socialaudit run --sandbox s"'
WORKER = 'process 11:"python -m checks.images.ocr_worker"'
RAW = f"""\
{RUN};thread (10): MainThread;run_audit (flows/commands/common.py:129);result (concurrent/futures/_base.py:451);Condition.wait (threading.py:320) {RATE * 4}
{RUN};thread (12): ThreadPoolExecutor-1_0;one (checks/images/reading.py:166);crop_fingerprints (checks/media_hash.py:95) {RATE}
{RUN};{WORKER};thread (11): MainThread;serve (checks/images/ocr_worker.py:55);Engine.read (checks/images/tesseract.py:95) {RATE * 2}
{RUN};{WORKER};thread (11): MainThread;serve (checks/images/ocr_worker.py:51);read_exactly (checks/images/ocr_worker.py:32) {RATE}
a line cut short
"""


def test_waiting_threads_are_not_busy_and_the_engines_read_is_the_engines(tmp_path: Path) -> None:
    profile = tmp_path / "raw.txt"
    profile.write_text(RAW, encoding="utf-8")

    main, kinds = tally(profile)

    assert main == {"run_audit (flows/commands/common.py:129)": 4.0}, (
        "the main thread's wait, by its project frame"
    )
    assert dict(kinds) == {
        "OCR engine (worker processes)": 2.0,
        "Instagram crops' hashes (crop_fingerprints)": 1.0,
    }


def test_a_first_run_not_profiled_says_why(tmp_path: Path, monkeypatch) -> None:
    import benchmarks.reading_profile as reading_profile

    monkeypatch.setattr(reading_profile.shutil, "which", lambda *args, **kwargs: None)

    assert reading_profile.first_run_profile(tmp_path / "school", tmp_path / "profile") == (
        "py-spy not found (a dev dependency: uv sync)"
    )
