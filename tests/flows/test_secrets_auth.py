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
    options: ClassVar[list[dict[str, str]]] = []

    @classmethod
    def from_client_secrets_file(cls, path: str, scopes: list[str]) -> FakeFlow:
        # Comments (and held-for-review ones) are readable only with force-ssl.
        assert scopes == ["https://www.googleapis.com/auth/youtube.force-ssl"]
        return cls()

    def run_local_server(self, port: int, open_browser: bool, **authorization: str) -> FakeCredentials:
        self.ports.append(port)
        self.options.append(authorization)
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
    # A refresh token every time, also when the app was authorised before.
    assert FakeFlow.options == [{"prompt": "consent", "access_type": "offline"}]


def test_the_sign_in_says_why_it_asks_for_force_ssl(client_secrets, tmp_path, capsys):
    from flows.cli import main

    token = tmp_path / "config" / "youtube-token.json"
    assert main(["auth", "youtube", "--client-secrets", str(client_secrets), "--token-file", str(token)]) == 0
    out = capsys.readouterr().out
    assert "youtube.force-ssl" in out and "held for review" in out and "only ever reads" in out


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
