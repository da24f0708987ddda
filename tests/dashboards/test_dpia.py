"""docs/dpia.md is what `socialaudit dpia` says for the default policy: the DPIA and the code never drift apart
(tests/e2e/test_retention_as_documented.py then holds a run to the DPIA's retention table)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checks.rules import RULES
from dashboards.dpia import generate_dpia
from flows.config.school import RetentionSettings

DPIA = Path(__file__).resolve().parents[2] / "docs" / "dpia.md"


def test_docs_dpia_is_the_generated_default() -> None:
    generated = generate_dpia(
        "(school name from school.toml)", RetentionSettings(), date.today(), False, RULES
    )
    assert DPIA.read_text(encoding="utf-8") == generated, "run: socialaudit dpia --out docs/dpia.md"
