"""Libraries that log request headers are silenced, so a signed Authorization header never reaches a log.

The whole run searched for planted canary secrets: tests/e2e/test_secrets.py.
"""

from __future__ import annotations

import uuid

from tests.builders.tiny_dataset import build_tiny_dataset

CANARY = f"CANARY{uuid.uuid4().hex}"


def canary(part: str) -> str:
    return f"{CANARY}{part}"


def test_header_logging_libraries_are_silenced_even_at_debug(tmp_path):
    import contextlib
    import io
    import logging

    from connectors import x as xapi
    from connectors.errors import AuthFailure
    from connectors.paging import RetryPolicy
    from flows.school_run_log import SECRET_BEARING_LOGGERS, quiet_secret_bearing_loggers
    from sandbox.server import SandboxServer

    dataset = build_tiny_dataset(tmp_path / "school")
    keys = xapi.XCredentials(canary("ck"), canary("cs"), canary("at"), canary("ats"))
    policy = RetryPolicy(max_retries=1, backoff_seconds=0.1, max_wait_seconds=1)
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setLevel(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in SECRET_BEARING_LOGGERS]
    for logger in loggers:  # as an operator's DEBUG logging configuration would leave them
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    try:
        with SandboxServer(dataset) as server:
            client = xapi.make_x_client(keys, base_url=server.url)
            # The sandbox refuses keys it never issued; the header is signed (and logged) before that.
            with contextlib.suppress(AuthFailure):
                xapi.get_account(client, policy)
            assert CANARY in captured.getvalue()  # unguarded, oauthlib logs the signed Authorization header
            captured.truncate(0)
            quiet_secret_bearing_loggers()
            with contextlib.suppress(AuthFailure):
                xapi.get_account(client, policy)
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert CANARY not in captured.getvalue()
