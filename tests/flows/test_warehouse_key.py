"""The warehouse key from the environment: the variable school.toml names (`encryption_key_env`), else
SOCIALAUDIT_DB_KEY. The Secret-block route is run whole by tests/e2e/test_secrets.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.config.school import SchoolConfig, load_config
from flows.credentials import CredentialError, warehouse_key
from warehouse.db import KEY_ENV

NAMED = "TINY_DB_KEY"


def _config(tmp_path: Path, warehouse: str = "") -> SchoolConfig:
    school = tmp_path / "school.toml"
    school.write_text(
        '[school]\nname = "Tiny Lane"\n\n[[accounts]]\nplatform = "x"\nhandle = "tiny"\nid = "1"\n\n'
        f"[warehouse]\n{warehouse}",
        encoding="utf-8",
    )
    return load_config(school)


def test_the_variable_school_toml_names_holds_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NAMED, "kept in the service environment")
    monkeypatch.setenv(KEY_ENV, "the default variable's")  # named, the school's own variable wins
    assert warehouse_key(_config(tmp_path, f'encryption_key_env = "{NAMED}"\n')) == (
        "kept in the service environment"
    )


@pytest.mark.parametrize("value", [None, ""], ids=["unset", "empty"])
def test_a_named_variable_without_a_key_is_refused_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str | None
) -> None:
    """Never a plain warehouse nor the default variable's key: the school asked for its own."""
    if value is None:
        monkeypatch.delenv(NAMED, raising=False)
    else:
        monkeypatch.setenv(NAMED, value)
    monkeypatch.setenv(KEY_ENV, "the default variable's")
    config = _config(tmp_path, f'encryption_key_env = "{NAMED}"\n')
    with pytest.raises(
        CredentialError,
        match=f"^school.toml \\[warehouse\\] encryption_key_env names {NAMED}, which is not set$",
    ):
        warehouse_key(config)


def test_without_a_named_source_the_default_variable_or_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = _config(tmp_path)
    monkeypatch.setenv(KEY_ENV, "the default variable's")
    assert warehouse_key(config) == warehouse_key(None) == "the default variable's"
    monkeypatch.setenv(KEY_ENV, "")
    assert warehouse_key(config) is None and warehouse_key(None) is None
