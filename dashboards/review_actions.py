"""The review app's actions on a finding: each action the exception's rule offers, shown as the CLI shows it (the
call, its cost or quota, whether it can be undone, the evidence) with a confirmation to tick; what the account's
credentials do not allow (as `socialaudit doctor` last found, or an action's refusal) is not offered.

The app reads the snapshot; acting goes through the `Act` it was started with (flows/remediation.py, which records
the request before anything is sent and the platform's answer after it). Who acts: until the app signs people in
(issue 26), the name typed in the form beside the operating-system user running the app, which is the accountable
identity; so a second person can confirm an irreversible action only from the CLI as another user, or once
signed-in identities are wired here (`actor_for`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import quote

import duckdb
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from warehouse.db import WarehouseBusy
from warehouse.remediation_plans import Plan, offered_plans
from warehouse.remediation_records import Actor, Recorded, RemediationError, os_user, recorded_actions
from warehouse.remediations import Permission, history, latest_permissions


class Done(Protocol):
    done: bool
    line: str


# key, action, who, note -> how it ended (flows.remediation.Remediator.act with the form's confirmation).
Act = Callable[[str, str, Actor, "str | None"], Done]


def actor_for(request: Request, typed_name: str) -> Actor:
    """Who acts through the app: the name typed, with the operating-system user that runs the app as the accountable
    identity. Issue 26's signed-in person (identity, name) replaces both here."""
    return Actor(os_user(), typed_name.strip() or os_user(), "review-app", established=False)


def _offer(
    plan: Plan, permissions: dict[tuple[str, str], Permission], held: list[Recorded]
) -> dict[str, Any]:
    """One action as the page shows it: its plan, whether it is offered, and what is on record for it."""
    e = plan.exception
    permission = permissions.get((str(e["platform"]), str(e["account_id"])))
    if plan.action.manual:
        offered, why = True, ""
    elif permission is None:
        offered = False
        why = "not offered: run `socialaudit doctor` with this warehouse to check what the account's credentials allow"
    elif plan.action.name not in permission.allowed:
        offered, why = False, f"not offered: {permission.detail}"
    else:
        offered, why = True, ""
    mine = [r for r in held if r.action == plan.action.name]
    standing = next((r for r in reversed(mine) if r.standing), None)
    waiting = next((r for r in reversed(mine) if r.awaiting_confirmation), None)
    return {
        "plan": plan,
        "lines": plan.lines(),
        "offered": offered and standing is None,
        "why": why,
        "standing": standing,
        "waiting": waiting,
        # Who confirms must be known: not through an app that does not sign people in (`actor_for`).
        "confirm_here": False,
        "irreversible": not plan.action.reversible,
    }


def action_context(con: duckdb.DuckDBPyConnection, key: str, acting: bool) -> dict[str, Any]:
    """What the detail page shows of actions: each offered one, and every action on record for the exception."""
    if not acting:
        return {"acting": False, "offers": [], "problems": [], "actions": history(con, key)}
    permissions = latest_permissions(con)
    held = recorded_actions(con, key)
    offers, problems = [], []
    for item in offered_plans(con, key):
        if isinstance(item, str):
            problems.append(item)
        else:
            offers.append(_offer(item, permissions, held))
    return {"acting": True, "offers": offers, "problems": problems, "actions": history(con, key)}


def add_action_routes(
    app: FastAPI,
    act: Act | None,
    csrf_ok: Callable[[Request, str], bool],
    forbidden: Callable[[], HTMLResponse],
    show: Callable[..., HTMLResponse],
) -> None:
    """POST /remediate: a ticked confirmation, then the action through `act` (none when the app was started
    without --config or --sandbox: nothing can be done through the platforms)."""

    @app.post("/remediate")
    def remediate(
        request: Request,
        key: str = Form(...),
        action: str = Form(...),
        note: str = Form(""),
        by: str = Form(""),
        confirm: str = Form(""),
        csrf_token_field: str = Form("", alias="csrf_token"),
    ) -> Response:
        if not csrf_ok(request, csrf_token_field):
            return forbidden()
        form = {"note": note, "by": by, "action": action}
        if act is None:
            return show(key, error="this review app was started without --config or --sandbox", form=form)
        if confirm != "yes":
            return show(key, error=f"tick the box to confirm {action}: nothing was done", form=form)
        if not by.strip():
            return show(key, error="say who acts (your name)", form=form)
        try:
            outcome = act(key, action, actor_for(request, by), note.strip() or None)
        except RemediationError as problem:
            return show(key, error=str(problem), form=form, status_code=409)
        except WarehouseBusy as busy:
            response = show(key, error=f"{busy}: nothing was sent", form=form, status_code=503)
            response.headers["Retry-After"] = str(busy.retry_after_seconds)
            return response
        if not outcome.done:
            return show(key, error=outcome.line, form=form, status_code=409)
        return RedirectResponse(f"/exception?key={quote(key, safe='')}&acted=1", status_code=303)
