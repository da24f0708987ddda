"""The command line as a person meets it: help grouped by who uses it, each sub-command's own help, usage errors as
exit 2, options from the environment, alternatives refused together, shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import Invocation, build_cli, main
from flows.commands import SECTIONS, discover
from flows.commands.common import EXIT_REFUSED


def _parsed(*argv: str) -> Invocation:
    asked = build_cli().main(args=list(argv), prog_name="socialaudit", standalone_mode=False)
    assert isinstance(asked, Invocation)
    return asked


def test_the_help_lists_every_command_under_who_uses_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    headings = [line.rstrip(":") for line in out.splitlines() if line.rstrip(":") in SECTIONS]
    assert headings == list(SECTIONS)
    developers = out.split("For developers:")[1]
    assert all(f"  {name} " in developers for name in ("sandbox", "sample", "evaluate"))
    school = out.split("For developers:")[0]
    assert all(f"  {name} " in school for name in ("publish", "review", "sql", "doctor"))
    listed = [
        line.split()[0] for line in out.split("Running the audit:")[1].splitlines() if line.startswith("  ")
    ]
    assert set(discover()) <= set(listed)


def test_a_sub_command_has_its_own_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reviewers", "add", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: socialaudit reviewers add NAME")
    assert "--display-name" in out and "--password-stdin" in out
    assert "remove" not in out.split("Options:")[0]  # not the group's list of sub-commands
    assert main(["reviewers", "list", "-h"]) == 0
    assert "--display-name" not in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        ["no-such-command"],
        ["doctor", "--db", "x"],  # neither --sandbox nor --config
        ["doctor", "--sandbox", "a", "--config", "b"],  # both
        ["publish", "--out", "x", "--as-of", "16/11/2026"],  # not a date
        ["review", "key", "--decision", "approve", "--note", "n"],  # not a decision
        ["reviewers", "add"],  # no name, no school.toml
        ["approve-post"],  # neither a check nor --export
        [],
    ],
)
def test_a_wrong_command_line_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert "Usage: socialaudit" in captured.err + captured.out


def test_a_value_from_the_environment_yields_to_an_alternative_given_on_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOCIALAUDIT_CONFIG", "school/school.toml")
    from_environment = _parsed("doctor")
    assert (
        from_environment.args.config == Path("school/school.toml") and from_environment.args.sandbox is None
    )
    sandboxed = _parsed("doctor", "--sandbox", "dataset")
    assert sandboxed.args.config is None and sandboxed.args.sandbox == Path("dataset")
    given = _parsed("doctor", "--config", "other.toml")
    assert given.args.config == Path("other.toml")


def test_an_environment_variable_is_named_in_the_help_never_its_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOCIALAUDIT_CONFIG", "/secret/place/school.toml")
    monkeypatch.setenv("SOCIALAUDIT_ALERT_URL", "https://example.invalid/hook/SECRET-TOKEN")
    assert main(["doctor", "--help"]) == 0
    assert main(["alerts", "install", "--help"]) == 0
    out = capsys.readouterr().out
    assert "SOCIALAUDIT_CONFIG" in out and "SOCIALAUDIT_ALERT_URL" in out
    assert "/secret/place" not in out and "SECRET-TOKEN" not in out


def test_a_webhook_url_may_be_given_on_the_command_line_or_left_to_the_variable() -> None:
    given = _parsed("alerts", "install", "--webhook", "https://example.invalid/hook")
    assert given.args.webhook == "https://example.invalid/hook" and given.args.action == "install"
    left = _parsed("alerts", "install", "--teams", "--no-run-within", "36h")
    assert left.args.teams == "" and left.args.no_run_within == "36h"


def test_no_webhook_url_anywhere_says_where_to_give_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # never reached
    monkeypatch.delenv("SOCIALAUDIT_ALERT_URL", raising=False)
    assert main(["alerts", "install", "--teams"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "socialaudit: alerts failed: no teams URL: give it after --teams, or put it in $SOCIALAUDIT_ALERT_URL"
    )


def test_the_shell_completes_commands_and_choices(tmp_path: Path) -> None:
    program = [sys.executable, "-m", "flows.cli"]
    env = {**os.environ, "_SOCIALAUDIT_COMPLETE": "bash_source"}
    script = subprocess.run(program, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert (
        script.returncode == 0
        and "complete -o nosort -F _socialaudit_completion socialaudit" in script.stdout
    )

    def completed(words: str, at: int) -> list[str]:
        asked = {
            **os.environ,
            "_SOCIALAUDIT_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(at),
        }
        done = subprocess.run(program, env=asked, capture_output=True, text=True, timeout=120, check=False)
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert completed("socialaudit revi", 1) == ["review", "review-app", "reviewers"]
    assert completed("socialaudit reviewers ", 2) == ["add", "list", "remove"]
    assert completed("socialaudit check-post --platform ", 3) == ["x", "youtube", "facebook", "instagram"]


def test_the_program_is_named_as_the_person_can_type_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.commands.common import program_as_typed

    program = tmp_path / "venv" / "bin" / "socialaudit"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.delenv("UV_RUN_RECURSION_DEPTH", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["venv/bin/socialaudit", "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert program_as_typed() == "venv/bin/socialaudit"  # not on the PATH: as it was typed
    monkeypatch.setenv("PATH", f"{program.parent}:/usr/bin:/bin")
    assert program_as_typed() == "socialaudit"
    monkeypatch.setenv("UV_RUN_RECURSION_DEPTH", "1")
    assert program_as_typed() == "uv run socialaudit"
    monkeypatch.delenv("UV_RUN_RECURSION_DEPTH")
    monkeypatch.setattr(sys, "argv", [str(Path("flows/cli.py").resolve())])
    assert program_as_typed().endswith(" -m flows.cli")


def test_init_names_the_doctor_command_as_the_person_can_type_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from flows.commands import init

    monkeypatch.delenv("UV_RUN_RECURSION_DEPTH", raising=False)
    monkeypatch.setattr(sys, "argv", ["venv/bin/socialaudit", "init"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    school = tmp_path / "my school"
    assert init.run(argparse.Namespace(dir=school, mis="sims", platforms=("x",))) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[-1]
        .endswith(f"then: venv/bin/socialaudit doctor --config '{school / 'school.toml'}'")
    )


def test_a_dash_led_value_with_spaces_is_a_value_and_an_unknown_option_is_still_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As argparse read it: a query whose first line is an SQL comment reaches `sql`, which judges it."""
    query = "-- who is held\nSELECT * FROM dpo.people_held"
    asked = _parsed("sql", query, "--format", "csv")
    assert asked.args.query == query and asked.args.format == "csv"
    assert main(["sql", "--formt", "csv", "SELECT 1"]) == EXIT_REFUSED
    assert "No such option" in capsys.readouterr().err
