"""The units and the environment example keep the local Prefect API away from a school's proxy."""

from __future__ import annotations

from pathlib import Path

from flows.schedule_health import LOOPBACK_NO_PROXY

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_every_unit_that_calls_the_api_sets_no_proxy_for_loopback():
    for unit in ("socialaudit-worker.service", "socialaudit-serve.service"):
        text = (DEPLOY / unit).read_text(encoding="utf-8")
        assert f"Environment=NO_PROXY={LOOPBACK_NO_PROXY}\n" in text, unit


def test_the_environment_example_sets_it_too_as_the_file_overrides_the_unit():
    lines = (DEPLOY / "socialaudit.env.example").read_text(encoding="utf-8").splitlines()
    assert f"NO_PROXY={LOOPBACK_NO_PROXY}" in lines
