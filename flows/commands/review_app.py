"""`socialaudit review-app`: the review web app, signed-in only; on 127.0.0.1 unless told otherwise, and beyond this
machine only with sign-in and TLS configured (dashboards/web_auth.py, docs/production.md)."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboards.access import ReviewAppSettings
from flows.commands.parameters import (
    Declared,
    config_option,
    db_option,
    one_of,
    option,
    sandbox_option,
    trust_option,
)
from flows.warehouse_location import warehouse_location
from platforms import NAMES

NAME = "review-app"
SECTION = "Reviewing and acting"
HELP = "serve the review app to signed-in people (reads the snapshot; decisions are short retried writes)"
MIN_SESSION_KEY = 32


def options() -> list[Declared]:
    return [
        one_of(
            config_option("school.toml, whose [review_app] says who may sign in"),
            sandbox_option(
                "or a sandbox dataset directory (its school.toml; actions go to the sandbox serving it)"
            ),
            trust_option("instead: one app over a trust's audited schools"),
        ),
        db_option(),
        option("--port", type=int, default=8765, help="the port it listens on (default 8765)"),
        option(
            "--host",
            default="127.0.0.1",
            help="bind address (default 127.0.0.1: this machine only; any other needs sign-in and TLS configured)",
        ),
    ]


@dataclass(frozen=True)
class Served:
    schools: dict[str, Path]
    names: dict[str, str]
    root: Path
    # slug -> the school.toml the app acts through (its accounts), and whether it is a sandbox dataset's.
    acts_through: dict[str, tuple[Path, bool]] = field(default_factory=dict)


def acting(where: Served) -> dict[str, Any]:
    """slug -> what the app acts through for that school (flows/remediation.py): the school's accounts, or the
    sandbox."""
    from flows.config.school import load_config
    from flows.remediation import AppActing, Remediator

    return {
        slug: AppActing(Remediator(where.schools[slug], load_config(school_toml), sandbox))
        for slug, (school_toml, sandbox) in where.acts_through.items()
    }


def checking(where: Served) -> dict[str, Any]:
    """slug -> how the app checks a draft for that school: its registers and rules (flows/post_checking.py),
    recorded in its warehouse with the images kept for the approver."""
    from checks.post_check import DraftRefused, UploadedImage
    from flows import credentials
    from flows.config.school import load_config
    from flows.post_checking import check_and_record
    from warehouse.db import encryption_key
    from warehouse.post_checks import publish_copy

    checks = {}
    for slug, (school_toml, _) in where.acts_through.items():
        config = load_config(school_toml)

        def check(
            text: str,
            images: Any,
            pupils: Any,
            platform: str,
            entry: Any,
            config: Any = config,
            slug: str = slug,
        ) -> dict[str, Any]:
            if platform not in NAMES:
                raise ValueError(f"no platform {platform!r}")
            try:
                with encryption_key(credentials.warehouse_key(config)):
                    done = check_and_record(
                        config,
                        where.schools[slug],
                        platform=platform,
                        text=text,
                        images=[UploadedImage(name, data) for name, data in images],
                        pupils_pictured=pupils,
                        entry=entry,
                        keep_images=True,
                    )
                    publish_copy(where.schools[slug])
            except DraftRefused as refused:
                raise ValueError(str(refused)) from None
            return {**done.check.as_dict(), "check_id": done.check_id}

        checks[slug] = check
    return checks


def served(args: argparse.Namespace) -> tuple[Served, ReviewAppSettings]:
    """The warehouses the app serves and the [review_app] settings that guard them."""
    if args.trust:
        from flows.config.trust import audited_lakes, load_trust

        trust = load_trust(args.trust)
        lakes = audited_lakes(trust)
        if not lakes:
            raise RuntimeError(
                f"{args.trust}: no school has been audited yet: run `socialaudit trust run` first"
            )
        schools = {slug: trust.lake_dir / f"{slug}.ducklake" for slug in lakes}
        through = {s.slug: (s.school_toml, s.sandbox) for s in trust.schools if s.slug in schools}
        return Served(schools, {slug: slug for slug in schools}, trust.root, through), trust.review_app
    if not args.config and not args.sandbox:
        raise RuntimeError(
            "the review app serves only signed-in people: give --config school.toml (or --trust trust.toml) whose "
            "[review_app] says who may sign in (docs/production.md, *The review app*)"
        )
    from flows.config.school import load_config

    sandbox = args.sandbox is not None
    school_toml = args.sandbox / "school.toml" if sandbox else args.config
    config = load_config(school_toml)
    db = warehouse_location(args.db, config, sandbox=sandbox)
    through = {"school": (school_toml, sandbox)}
    return Served({"school": db}, {"school": config.name}, config.root, through), config.review_app


def secret_from(variable: str | None, what: str, minimum: int = 1) -> str | None:
    if variable is None:
        return None
    value = os.environ.get(variable, "")
    if len(value) < minimum:
        raise RuntimeError(f"${variable} ({what}) is not set{' or too short' if minimum > 1 else ''}")
    return value


# How uvicorn serves the app (the tests serve it the same way: tests/builders/served_app.py).
SERVER_OPTIONS: dict[str, Any] = {
    "log_level": "warning",
    # Forwarded headers are the app's to judge ([review_app] trusted_proxy), never uvicorn's default (which trusts
    # them from 127.0.0.1, so any local process could write the address the access log records).
    "proxy_headers": False,
    "server_header": False,
    # A stop (systemctl, SIGTERM) waits this long for requests in flight, then closes what is still open: an idle
    # keep-alive connection or a stalled client must not hold the app up until it is killed.
    "timeout_graceful_shutdown": 5,
}


def run(args: argparse.Namespace) -> int:
    try:
        import python_multipart  # noqa: F401  # FastAPI's forms need it
        import uvicorn
    except ImportError as missing:
        raise RuntimeError(
            f"the review app's server is not installed ({missing.name}): install socialaudit[review] "
            "(from the checkout: uv sync --extra review, or make setup)"
        ) from None

    from dashboards.access import AccessPolicy
    from dashboards.review_app import create_app
    from dashboards.web_auth import accounts_exist, check_exposure

    where, settings = served(args)
    accounts_file = Path(settings.accounts_file)
    policy = AccessPolicy(settings.grants, tuple(where.schools))
    check_exposure(args.host, settings, policy, accounts_exist(accounts_file))
    if settings.oidc is None and not accounts_exist(accounts_file):
        raise RuntimeError(
            f"nobody could sign in: configure [review_app.oidc], or make a local account "
            f"(socialaudit reviewers add NAME --config ...; accounts in {accounts_file})"
        )
    if not policy.names_anyone():
        raise RuntimeError(
            "nobody may see anything: add [[review_app.grants]] (docs/contracts/school-toml.md)"
        )
    client_secret = secret_from(
        settings.oidc.client_secret_env if settings.oidc else None, "the identity provider's client secret"
    )
    session_key = secret_from(settings.session_key_env, "the session signing key", MIN_SESSION_KEY)
    proxy_secret = secret_from(
        settings.trusted_proxy_secret_env, "the reverse proxy's secret", MIN_SESSION_KEY
    )
    app = create_app(
        where.schools,
        settings,
        bind_host=args.host,
        names=where.names,
        session_key=session_key,
        client_secret=client_secret,
        accounts_file=accounts_file,
        acting=acting(where),
        proxy_secret=proxy_secret,
        checking=checking(where),
    )
    scheme = "https" if settings.terminates_tls else "http"
    shown = settings.public_url or f"{scheme}://{args.host}:{args.port}/"
    print(
        f"review app for {', '.join(str(p) for p in where.schools.values())} at {shown} (Ctrl-C to stop)",
        flush=True,
    )
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=settings.tls_cert_file,
        ssl_keyfile=settings.tls_key_file,
        **SERVER_OPTIONS,
    )
    return 0
