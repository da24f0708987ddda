"""`socialaudit evaluate` end to end: a fresh seed generated, audited and scored against its labels."""

from __future__ import annotations


def test_the_evaluate_command_audits_a_fresh_seed(socialaudit, tmp_path) -> None:
    # In a subprocess, like `make eval`: the audits it runs leave nothing behind in the test process.
    result = socialaudit("evaluate", "--seeds", "106", "--sizes", "small", "--keep", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "pupil-follower" in result.stdout and "precision" in result.stdout
    assert "low-severity findings (review load) over 1 schools" in result.stdout
    assert (tmp_path / "small-106" / "out" / "exceptions.json").is_file()
