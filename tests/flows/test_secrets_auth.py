"""`socialaudit auth youtube`: the installed-app flow runs once and the token lands outside the repo, mode 0600."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from flows.commands import auth

TOKEN = {"token": "t", "refresh_token": "r", "client_id": "c", "client_secret": "s", "scopes": ["x"]}


class FakeCredentials:
    def to_json(self) -> str:
        return json.dumps(TOKEN)


class FakeFlow:
    ports: ClassVar[list[int]] = []

    @classmethod
    def from_client_secrets_file(cls, path: str, scopes: list[str]) -> FakeFlow:
        assert scopes == ["https://www.googleapis.com/auth/youtube.readonly"]
        return cls()

    def run_local_server(self, port: int, open_browser: bool) -> FakeCredentials:
        self.ports.append(port)
        return FakeCredentials()


@pytest.fixture
def client_secrets(tmp_path, monkeypatch):
    import google_auth_oauthlib.flow

    monkeypatch.setattr(google_auth_oauthlib.flow, "InstalledAppFlow", FakeFlow)
    path = tmp_path / "client_secret.json"
    path.write_text("{}", encoding="utf-8")
    return path


def test_the_token_is_written_owner_only(client_secrets, tmp_path):
    from flows.cli import main

    token = tmp_path / "config" / "youtube-token.json"
    assert main(["auth", "youtube", "--client-secrets", str(client_secrets), "--token-file", str(token)]) == 0
    assert json.loads(token.read_text(encoding="utf-8")) == TOKEN
    assert token.stat().st_mode & 0o777 == 0o600
    assert FakeFlow.ports == [0]


def test_a_token_file_inside_the_repository_is_refused(client_secrets, capsys):
    from flows.cli import main

    inside = auth.REPO / "youtube-token.json"
    assert (
        main(["auth", "youtube", "--client-secrets", str(client_secrets), "--token-file", str(inside)]) == 1
    )
    assert "inside the repository" in capsys.readouterr().err
    assert not inside.exists()


def test_a_token_readable_by_others_is_refused_by_the_run(tmp_path, monkeypatch):
    from flows.credentials import CredentialError, live_youtube_credentials

    token = tmp_path / "token.json"
    token.write_text(json.dumps(TOKEN), encoding="utf-8")
    token.chmod(0o644)
    monkeypatch.setenv("SOCIALAUDIT_YOUTUBE_TOKEN_FILE", str(token))
    with pytest.raises(CredentialError, match="readable by others: chmod 600"):
        live_youtube_credentials()
