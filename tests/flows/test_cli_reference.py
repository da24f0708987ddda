"""docs/contracts/cli.md's command reference is what the argument parser says: usage, help and every option."""

from __future__ import annotations

import pytest

from flows import cli_reference


def test_the_command_reference_is_the_parsers():
    # Stale? Regenerate with: python -m flows.cli_reference
    text = cli_reference.DOC_PATH.read_text(encoding="utf-8")
    assert text == cli_reference.update(text)


def test_a_command_without_its_block_is_refused():
    text = cli_reference.DOC_PATH.read_text(encoding="utf-8")
    without_run = cli_reference.BLOCK.sub(
        lambda m: "" if m.group(1) == "socialaudit run" else m.group(0), text
    )
    with pytest.raises(ValueError, match="socialaudit run"):
        cli_reference.update(without_run)
