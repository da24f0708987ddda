"""Several accounts on one platform: each `credentials = "NAME"` resolves to its own variables or Secret block."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from flows import credentials
from flows.config.school import SchoolConfig, load_config
from flows.credentials import (
    CredentialError,
    credential_places,
    live_x_credentials,
    x_credentials_for,
    x_credentials_for_account,
    x_env,
    youtube_credentials_for,
    youtube_credentials_for_account,
    youtube_token_env,
)

MAIN_ID = "1580000000000000001"
SPORTS_ID = "1580000000000000002"
CANARY = "canary-secret-value-7c1e"
TOKEN = {"token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s", "scopes": ["x"]}

SCHOOL = f"""\
[school]
name = "Carleton Green Community Primary School"

[[accounts]]
platform = "x"
handle = "CarletonGreenCP"
id = "{MAIN_ID}"

[[accounts]]
platform = "x"
handle = "CarletonGreenSport"
id = "{SPORTS_ID}"
credentials = "sports"

[[accounts]]
platform = "youtube"
handle = "@CarletonGreenCP"
id = "UCmainmainmainmainmainma"

[[accounts]]
platform = "youtube"
handle = "@CarletonGreenSport"
id = "UCsportsportsportsportsp"
credentials = "sports"
"""


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SOCIALAUDIT_"):
            monkeypatch.delenv(name)


def config(tmp_path: Path, extra: str = "") -> SchoolConfig:
    path = tmp_path / "school.toml"
    path.write_text(SCHOOL + extra, encoding="utf-8")
    return load_config(path)


def set_x_env(monkeypatch: pytest.MonkeyPatch, name: str | None, prefix: str) -> None:
    for field, variable in x_env(name).items():
        monkeypatch.setenv(variable, f"{prefix}-{field}")


def test_the_variable_names():
    assert x_env("sports") == {
        "consumer_key": "SOCIALAUDIT_X_SPORTS_CONSUMER_KEY",
        "consumer_secret": "SOCIALAUDIT_X_SPORTS_CONSUMER_SECRET",
        "access_token": "SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN",
        "access_token_secret": "SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN_SECRET",
    }
    assert x_env("sports-club")["consumer_key"] == "SOCIALAUDIT_X_SPORTS_CLUB_CONSUMER_KEY"
    assert x_env(None)["consumer_key"] == "SOCIALAUDIT_X_CONSUMER_KEY"
    assert youtube_token_env("sports") == "SOCIALAUDIT_YOUTUBE_SPORTS_TOKEN_FILE"
    assert youtube_token_env(None) == "SOCIALAUDIT_YOUTUBE_TOKEN_FILE"


def test_each_x_account_gets_its_own_keys_from_the_environment(tmp_path, monkeypatch):
    set_x_env(monkeypatch, None, "main")
    set_x_env(monkeypatch, "sports", "sports")
    school = config(tmp_path)
    main, sports = school.accounts_on("x")
    assert x_credentials_for_account(school, main, sandbox=False).access_token == "main-access_token"
    keys = x_credentials_for_account(school, sports, sandbox=False)
    assert (keys.consumer_key, keys.access_token_secret) == (
        "sports-consumer_key",
        "sports-access_token_secret",
    )
    # The old default-set functions are unchanged.
    assert x_credentials_for(school, sandbox=False).access_token == "main-access_token"
    assert live_x_credentials(school).consumer_key == "main-consumer_key"


def test_a_named_set_never_falls_back_to_the_default_keys(tmp_path, monkeypatch):
    set_x_env(monkeypatch, None, CANARY)
    monkeypatch.setenv("SOCIALAUDIT_X_SPORTS_CONSUMER_KEY", CANARY)
    school = config(tmp_path)
    sports = school.accounts_on("x")[1]
    with pytest.raises(CredentialError) as raised:
        x_credentials_for_account(school, sports, sandbox=False)
    message = str(raised.value)
    assert message == (
        'X credentials for @CarletonGreenSport (credentials = "sports") missing: set '
        "SOCIALAUDIT_X_SPORTS_CONSUMER_SECRET, SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN, "
        "SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN_SECRET or [credentials.sports] x_secret_block in school.toml"
    )
    assert CANARY not in message


def test_missing_credentials_name_every_variable_for_that_account(tmp_path):
    school = config(tmp_path)
    main, sports = school.accounts_on("x")
    with pytest.raises(
        CredentialError, match="SOCIALAUDIT_X_SPORTS_CONSUMER_KEY, SOCIALAUDIT_X_SPORTS_CONSUMER"
    ):
        x_credentials_for_account(school, sports, sandbox=False)
    with pytest.raises(CredentialError) as raised:
        x_credentials_for_account(school, main, sandbox=False)
    assert str(raised.value).startswith(
        "X credentials for @CarletonGreenCP missing: set SOCIALAUDIT_X_CONSUMER_KEY, "
    )
    assert "[credentials] x_secret_block" in str(raised.value)
    youtube_sports = school.accounts_on("youtube")[1]
    with pytest.raises(CredentialError) as raised:
        youtube_credentials_for_account(school, youtube_sports, sandbox=False)
    message = str(raised.value)
    assert message.startswith('YouTube credentials for @CarletonGreenSport (credentials = "sports") missing:')
    assert "SOCIALAUDIT_YOUTUBE_SPORTS_TOKEN_FILE or [credentials.sports] youtube_token_file" in message
    assert "[credentials.sports] youtube_secret_block" in message
    assert credential_places(school, sports) == (
        "SOCIALAUDIT_X_SPORTS_CONSUMER_KEY, SOCIALAUDIT_X_SPORTS_CONSUMER_SECRET, "
        "SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN, SOCIALAUDIT_X_SPORTS_ACCESS_TOKEN_SECRET "
        "or [credentials.sports] x_secret_block"
    )


def test_a_named_table_points_at_secret_blocks(tmp_path, monkeypatch):
    blocks: dict[str, Any] = {
        "socialaudit-x-sports": {
            "consumer_key": "ck",
            "consumer_secret": "cs",
            "access_token": f"{SPORTS_ID}-at",
            "access_token_secret": "ats",
        },
        "socialaudit-youtube-sports": json.dumps(TOKEN),
    }
    loaded: list[str] = []

    def fake_loader(name: str) -> Any:
        loaded.append(name)
        return blocks[name]

    monkeypatch.setattr(credentials, "load_secret_block", fake_loader)
    monkeypatch.setenv("SOCIALAUDIT_YOUTUBE_API_KEY", "project-api-key")
    school = config(
        tmp_path,
        '\n[credentials.sports]\nx_secret_block = "socialaudit-x-sports"\n'
        'youtube_secret_block = "socialaudit-youtube-sports"\n',
    )
    sports_x = school.accounts_on("x")[1]
    sports_youtube = school.accounts_on("youtube")[1]
    # Configured for the account: used even in a sandbox run, so the live path is tested offline.
    keys = x_credentials_for_account(school, sports_x, sandbox=True)
    assert (keys.consumer_key, keys.access_token) == ("ck", f"{SPORTS_ID}-at")
    youtube = youtube_credentials_for_account(school, sports_youtube, sandbox=False)
    assert youtube.oauth_credentials.refresh_token == "r"
    assert youtube.api_key == "project-api-key"  # the Google Cloud project's key is shared
    assert loaded == ["socialaudit-x-sports", "socialaudit-youtube-sports"]
    assert credential_places(school, sports_x) == (
        "Prefect Secret block 'socialaudit-x-sports' ([credentials.sports] x_secret_block)"
    )
    # The main account is untouched by the sports table.
    with pytest.raises(CredentialError, match="SOCIALAUDIT_X_CONSUMER_KEY"):
        x_credentials_for_account(school, school.accounts_on("x")[0], sandbox=False)


def test_a_secret_block_that_lacks_a_key_names_it_and_the_account(tmp_path, monkeypatch):
    monkeypatch.setattr(credentials, "load_secret_block", lambda name: {"consumer_key": CANARY})
    school = config(tmp_path, '\n[credentials.sports]\nx_secret_block = "sports-x"\n')
    with pytest.raises(CredentialError) as raised:
        x_credentials_for_account(school, school.accounts_on("x")[1], sandbox=False)
    assert str(raised.value) == (
        "Prefect Secret block 'sports-x' for @CarletonGreenSport (credentials = \"sports\") lacks "
        "consumer_secret, access_token, access_token_secret"
    )


def test_a_youtube_token_file_per_channel(tmp_path, monkeypatch):
    token = tmp_path / "sports-token.json"
    token.write_text(json.dumps(TOKEN), encoding="utf-8")
    token.chmod(0o600)
    school = config(tmp_path, '\n[credentials.sports]\nyoutube_api_key_env = "SPORTS_KEY"\n')
    main, sports = school.accounts_on("youtube")
    monkeypatch.setenv("SOCIALAUDIT_YOUTUBE_SPORTS_TOKEN_FILE", str(token))
    monkeypatch.setenv("SPORTS_KEY", "sports-key")
    resolved = youtube_credentials_for_account(school, sports, sandbox=False)
    assert resolved.oauth_credentials.refresh_token == "r" and resolved.api_key == "sports-key"
    with pytest.raises(
        CredentialError, match="SOCIALAUDIT_YOUTUBE_TOKEN_FILE or \\[credentials\\] youtube_token_file"
    ):
        youtube_credentials_for_account(school, main, sandbox=False)
    token.chmod(0o644)
    with pytest.raises(CredentialError, match="readable by others"):
        youtube_credentials_for_account(school, sports, sandbox=False)
    monkeypatch.setenv("SOCIALAUDIT_YOUTUBE_SPORTS_TOKEN_FILE", str(tmp_path / "gone.json"))
    with pytest.raises(CredentialError, match=r"gone\.json does not exist"):
        youtube_credentials_for_account(school, sports, sandbox=False)


def test_sandbox_runs_give_each_account_the_credentials_the_sandbox_holds_for_it(tmp_path):
    school = config(tmp_path)
    main, sports = school.accounts_on("x")
    main_keys = x_credentials_for_account(school, main, sandbox=True)
    sports_keys = x_credentials_for_account(school, sports, sandbox=True)
    # Each account its own app and token ("<user id>-...", as X issues them), as the sandbox derives them.
    assert main_keys.access_token.startswith(f"{MAIN_ID}-")
    assert sports_keys.access_token.startswith(f"{SPORTS_ID}-")
    assert main_keys.consumer_key != sports_keys.consumer_key
    assert x_credentials_for(school, sandbox=True) == main_keys
    refresh_tokens = {
        youtube_credentials_for_account(school, channel, sandbox=True).oauth_credentials.refresh_token
        for channel in school.accounts_on("youtube")
    }
    assert len(refresh_tokens) == len(school.accounts_on("youtube"))
    assert youtube_credentials_for(school, sandbox=True).oauth_credentials.refresh_token in refresh_tokens


def test_a_sandbox_run_uses_the_accounts_own_variables_when_set(tmp_path, monkeypatch):
    set_x_env(monkeypatch, "sports", SPORTS_ID)
    school = config(tmp_path)
    main, sports = school.accounts_on("x")
    assert x_credentials_for_account(school, sports, sandbox=True).access_token == f"{SPORTS_ID}-access_token"
    assert x_credentials_for_account(school, main, sandbox=True).access_token.startswith(f"{MAIN_ID}-")


def test_the_sandbox_answers_as_the_account_whose_keys_signed(tmp_path):
    from connectors import x as xapi
    from connectors.paging import RetryPolicy
    from sandbox.server import SandboxServer
    from tests.builders.tiny_dataset import X_ACCOUNT_ID, X_HANDLE, build_tiny_dataset

    dataset = build_tiny_dataset(tmp_path / "school")
    sports_dir = dataset / "x" / "TinyLaneSports"
    sports_dir.mkdir()
    user = {"id": SPORTS_ID, "name": "Tiny Lane Sport", "username": "TinyLaneSports", "protected": False}
    (sports_dir / "account.json").write_text(json.dumps(user), encoding="utf-8")
    with (dataset / "school.toml").open("a", encoding="utf-8") as toml:
        toml.write(
            f'\n[[accounts]]\nplatform = "x"\nhandle = "TinyLaneSports"\nid = "{SPORTS_ID}"\ncredentials = "sports"\n'
        )
    school = load_config(dataset / "school.toml")
    policy = RetryPolicy(max_retries=0, backoff_seconds=0.01, max_wait_seconds=1)
    with SandboxServer(dataset) as server:
        for account, expected in zip(
            school.accounts_on("x"), [(X_ACCOUNT_ID, X_HANDLE), (SPORTS_ID, "TinyLaneSports")], strict=True
        ):
            client = xapi.make_x_client(x_credentials_for_account(school, account, True), base_url=server.url)
            me = xapi.get_account(client, policy)["data"]
            assert (me["id"], me["username"]) == expected


def test_the_wrong_platform_is_refused(tmp_path):
    school = config(tmp_path)
    with pytest.raises(ValueError, match="not an X account"):
        x_credentials_for_account(school, school.accounts_on("youtube")[0], sandbox=True)
    with pytest.raises(ValueError, match="not a YouTube channel"):
        youtube_credentials_for_account(school, school.accounts_on("x")[0], sandbox=True)
