"""The school's X account acting on a finding through tweepy: delete its own post, hide a reply in its own
conversation, mute an account; and what the keys are allowed to do (the `x-access-level` X sends with an
authenticated answer: read, read-write or read-write-directmessages)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy

from connectors.actions import ACCEPTED, ALREADY_DONE, FAILED, READ_ONLY_APP, REFUSED, WriteAnswer
from connectors.paging import RetryPolicy, dropped_connection
from connectors.x import describe_problem, get_account, problem_kind, problem_of

ACCESS_LEVEL_HEADER = "x-access-level"
APP_CANNOT_WRITE = (
    "the X app's keys cannot write ({detail}): in the X developer console set the app's permissions to 'Read and "
    "write', then regenerate the access token and secret (a token keeps the permission it was issued with) and "
    "store the new ones"
)


def access_level(client: tweepy.Client, policy: RetryPolicy) -> tuple[dict[str, Any], str | None]:
    """The account the keys sign in as (GET /2/users/me) and the access level X says they carry (None: X did not
    send the header)."""
    seen: dict[str, str | None] = {}

    def capture(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        seen["level"] = response.headers.get(ACCESS_LEVEL_HEADER)

    hooks = client.session.hooks["response"]
    hooks.append(capture)
    try:
        user = get_account(client, policy)["data"]
    finally:
        hooks.remove(capture)
    level = seen.get("level")
    return user, level.strip().lower() if level else None


def _body(error: tweepy.HTTPException) -> Any:
    try:
        return error.response.json()
    except ValueError:
        return error.response.text[:2000]


def _reset(error: tweepy.HTTPException) -> str:
    reset = error.response.headers.get("x-rate-limit-reset", "")
    if reset.isdigit():
        return f"after {datetime.fromtimestamp(int(reset), UTC):%H:%M} UTC"
    return "in 15 minutes"


def _refusal(error: tweepy.HTTPException, not_found: str | None) -> WriteAnswer:
    """X's error answer as what it means for the action."""
    status = error.response.status_code
    problem = problem_of(error)
    detail = describe_problem(problem)
    body = _body(error)
    kind = problem_kind(problem)
    if status == 403 and kind == "oauth1-permissions":
        return WriteAnswer(REFUSED, APP_CANNOT_WRITE.format(detail=detail), status, body, READ_ONLY_APP)
    if status == 404 and not_found is not None:
        return WriteAnswer(ALREADY_DONE, not_found, status, body)
    if status == 402:
        reason = (
            f"X credits are used up (402 {detail}): buy credits in the X developer console, then act again"
        )
        return WriteAnswer(REFUSED, reason, status, body)
    if status == 429:
        if kind == "usage-capped" or problem.get("title") == "UsageCapExceeded":
            return WriteAnswer(REFUSED, f"X usage cap reached ({detail}): nothing was done", status, body)
        reason = f"X's limit of writes per 15 minutes is reached (429): nothing was done; try again {_reset(error)}"
        return WriteAnswer(REFUSED, reason, status, body)
    if status in (401, 403):
        return WriteAnswer(REFUSED, f"X refused it ({status} {detail}): nothing was done", status, body)
    if status >= 500:
        reason = (
            f"X answered {status} ({detail}): it may or may not have been done; the next weekly run shows which, "
            "and trying again cannot act twice"
        )
        return WriteAnswer(FAILED, reason, status, body)
    return WriteAnswer(REFUSED, f"X refused it ({status} {detail}): nothing was done", status, body)


def _write(
    call: Callable[[], Any], check: Callable[[dict[str, Any]], bool], not_found: str | None
) -> WriteAnswer:
    """One write, never retried: its answer as what it means."""
    try:
        payload = call()
    except tweepy.HTTPException as error:
        return _refusal(error, not_found)
    except Exception as error:
        if not dropped_connection(error):
            raise
        reason = (
            f"the connection to X failed ({type(error).__name__}): it may or may not have been done; the next "
            "weekly run shows which, and trying again cannot act twice"
        )
        return WriteAnswer(FAILED, reason)
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, dict) and check(data):
        return WriteAnswer(ACCEPTED, "X accepted it", 200, payload)
    return WriteAnswer(FAILED, f"X answered without confirming it: {str(payload)[:300]}", 200, payload)


def delete_post(client: tweepy.Client, post_id: str) -> WriteAnswer:
    """DELETE /2/tweets/:id (the account's own post; every version of an edited post goes with it)."""
    return _write(
        functools.partial(client.delete_tweet, post_id, user_auth=True),
        lambda data: data.get("deleted") is True,
        f"X says post {post_id} does not exist: it was deleted already",
    )


def hide_reply(client: tweepy.Client, reply_id: str) -> WriteAnswer:
    """PUT /2/tweets/:id/hidden (a reply in a conversation the account started; hiding twice succeeds)."""
    return _write(
        functools.partial(client.hide_reply, reply_id, user_auth=True),
        lambda data: data.get("hidden") is True,
        f"X says reply {reply_id} does not exist: it was deleted",
    )


def mute(client: tweepy.Client, target_user_id: str) -> WriteAnswer:
    """POST /2/users/:id/muting (muting twice succeeds)."""
    return _write(
        functools.partial(client.mute, target_user_id, user_auth=True),
        lambda data: data.get("muting") is True,
        None,
    )
