"""`socialaudit auth youtube`: the channel owner signs in once; the token is stored outside the repository."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import click

from flows.commands.parameters import PATH, Declared, argument, one_of, option
from flows.oauth_settings import DEFAULT_TOKEN_FILE, YOUTUBE_SCOPE_REASON, YOUTUBE_SCOPES

NAME = "auth"
SECTION = "Setting up"
HELP = "authorise access to the school's YouTube channel (run once, signed in as the channel owner)"
REPO = Path(__file__).resolve().parents[2]


def options() -> list[Declared]:
    return [
        argument(
            "platform", type=click.Choice(("youtube",)), help="only YouTube needs a sign-in; X uses keys"
        ),
        option(
            "--client-secrets",
            type=PATH,
            required=True,
            help="the OAuth client JSON downloaded from Google Cloud",
        ),
        one_of(
            option(
                "--token-file",
                type=PATH,
                default=None,
                help=f"where to store the token (default: {DEFAULT_TOKEN_FILE})",
            ),
            option("--secret-block", help="store the token in this Prefect Secret block instead of a file"),
        ),
        option("--port", type=int, default=0, help="loopback port for Google's redirect (default: any)"),
    ]


def token_path(requested: Path | None) -> Path:
    """Where the token goes; never inside the checkout, where it could be committed."""
    path = (requested or DEFAULT_TOKEN_FILE).expanduser().resolve()
    if path.is_relative_to(REPO):
        raise ValueError(
            f"{path} is inside the repository: store the token outside it (e.g. {DEFAULT_TOKEN_FILE})"
        )
    return path


def write_owner_only(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def run(args: argparse.Namespace) -> int:
    from google_auth_oauthlib.flow import InstalledAppFlow

    if not args.client_secrets.is_file():
        raise FileNotFoundError(
            f"{args.client_secrets}: no such file (download it from Google Cloud > Credentials)"
        )
    destination = None if args.secret_block else token_path(args.token_file)
    flow = InstalledAppFlow.from_client_secrets_file(str(args.client_secrets), YOUTUBE_SCOPES)
    print(YOUTUBE_SCOPE_REASON)
    print(
        "A browser window opens: sign in as the school's YouTube channel (choose the Brand Account if asked)."
    )
    # prompt=consent with offline access: Google issues a refresh token every time, also to an app that was
    # authorised before (without it a second sign-in returns none, and the token dies within the hour).
    credentials = flow.run_local_server(
        port=args.port, open_browser=True, prompt="consent", access_type="offline"
    )
    token_json = credentials.to_json()
    if not json.loads(token_json).get("refresh_token"):
        raise RuntimeError(
            "Google returned no refresh token: remove the app's access at myaccount.google.com and retry"
        )
    if args.secret_block:
        from prefect.blocks.system import Secret

        Secret(value=json.loads(token_json)).save(args.secret_block, overwrite=True, _sync=True)  # type: ignore[call-arg]
        print(
            f"stored in Prefect Secret block {args.secret_block!r}; set [credentials] youtube_secret_block to it"
        )
    else:
        assert destination is not None
        write_owner_only(destination, token_json)
        print(
            f"stored in {destination} (mode 600); set [credentials] youtube_token_file or SOCIALAUDIT_YOUTUBE_TOKEN_FILE"
        )
    return 0
