"""The Graph sandbox serves only Instagram usernames Instagram lets a person choose: a dataset naming another is
refused when it is read, as the platform could never hold that account."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sandbox.meta.models import load_meta
from sandbox.meta.usernames import is_instagram_username
from tests.sandbox.meta.graph_dataset import CAROUSEL, IG_COMMENT, IG_ID


@pytest.mark.parametrize("name", ["a_parent", "jo.smith_99", "x" * 30, "ronan_65", "9"])
def test_names_instagram_allows(name: str) -> None:
    assert is_instagram_username(name)


@pytest.mark.parametrize(
    "name", ["rónán_65", "Ronan_65", "jo smith", "jo-smith", ".jo", "jo.", "jo..smith", "x" * 31, ""]
)
def test_names_instagram_refuses(name: str) -> None:
    assert not is_instagram_username(name)


def _rewrite(path: Path, change: Callable[[Any], object]) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document), encoding="utf-8")


def test_the_graph_dataset_is_read(graph_dataset: Path) -> None:
    assert load_meta(graph_dataset).ig_account(IG_ID) is not None


@pytest.mark.parametrize("field", ["username", "from"])
def test_a_commenter_instagram_could_not_have_is_refused(graph_dataset: Path, field: str) -> None:
    def accented(comments: dict[str, list[dict[str, object]]]) -> None:
        comment = comments[CAROUSEL][0]
        if field == "from":
            comment["from"] = {"id": "9000000001", "username": "rónán_65"}
        else:
            comment["username"] = "rónán_65"

    _rewrite(graph_dataset / "instagram" / IG_ID / "comments.json", accented)
    with pytest.raises(
        ValueError, match=rf"comments\.json \(comment {IG_COMMENT}\) names Instagram username 'rónán_65'"
    ):
        load_meta(graph_dataset)


def test_an_account_instagram_could_not_have_is_refused(graph_dataset: Path) -> None:
    _rewrite(
        graph_dataset / "instagram" / IG_ID / "account.json", lambda a: a.update(username="Graph School")
    )
    with pytest.raises(ValueError, match=r"account\.json names Instagram username 'Graph School'"):
        load_meta(graph_dataset)
