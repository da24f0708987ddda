"""The review app's actions on a finding: each action the exception's rule offers, shown as the CLI shows it (the
call, its cost or quota, whether it can be undone, the evidence) with a confirmation to tick; what the account's
credentials do not allow is not offered. What they allow is asked of the platform when someone who may act first
opens an exception on that account, and again once the recorded answer is a day old (the check `socialaudit doctor`
makes, through the platform's plug-in; doctor's and an action's refusal are recorded the same way): one identity
read a day at most (X's costs $0.010, YouTube's is free), made by the school's `Act`, since the app itself never
holds the credentials.

Who acts is the signed-in person (dashboards/access.py), never a name typed in the form: every POST is checked on the
server for a session, the session's CSRF token and a role that acts on the exception's severity, and refused (403,
recorded in the access log as `denied`) otherwise. Where school.toml asks for a second person, an irreversible action
one person requested is confirmed by a different signed-in person; the same person is refused by the record itself
(warehouse/remediation/ledger.py). The app reads the snapshot; acting goes through the school's `Act`
(flows/remediation.py), which records the request before anything is sent, the platform's answer after, and each in
the access log (`remediate`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import duckdb
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboards.access import Permissions, Person
from warehouse.db import WarehouseBusy
from warehouse.people import Actor, same_identity
from warehouse.privacy.access_log import AccessEntry
from warehouse.remediation.actions import offered
from warehouse.remediation.ledger import Permission, history, latest_permissions
from warehouse.remediation.plans import Plan, offered_plans
from warehouse.remediation.records import Recorded, RemediationError, recorded_actions
from warehouse.safeguarding import Sensitivity


class Done(Protocol):
    done: bool
    waiting: bool
    line: str


class Act(Protocol):
    """What the app acts through for one school (flows.remediation.AppActing)."""

    def __call__(self, key: str, action: str, actor: Actor, note: str | None, access: AccessEntry) -> Done:
        """key, action, who, note, their access-log entry -> how it ended (confirmed by the ticked box)."""
        ...

    def check_permissions(self, platform: str, account_id: str) -> None:
        """Ask the platform what the account's credentials allow and record it (raises when it cannot)."""
        ...


# A recorded check older than this is asked again; a check that failed is not tried again for RETRY_FAILED.
PERMISSIONS_FRESH_FOR = timedelta(days=1)
RETRY_FAILED_SECONDS = 600.0


@dataclass
class PermissionChecks:
    """The checks the app makes on first use, one at a time, remembering why one failed (never the credentials)."""

    clock: Callable[[], float] = time.monotonic
    failed: dict[tuple[str, str, str], tuple[float, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def due(self, checked_at: datetime | None, now: datetime) -> bool:
        return checked_at is None or now - checked_at > PERMISSIONS_FRESH_FOR

    def why_unchecked(self, school: str, platform: str, account_id: str) -> str | None:
        failed = self.failed.get((school, platform, account_id))
        return failed[1] if failed else None

    def check(
        self,
        act: Act,
        school: str,
        platform: str,
        account_id: str,
        recorded_at: Callable[[], datetime | None],
        now: datetime,
    ) -> None:
        """Check the account unless a fresh answer is recorded (`recorded_at` reads it again once this request
        holds the lock, so people opening pages at once cause one check) or it failed a moment ago."""
        where = (school, platform, account_id)
        with self.lock:
            failed = self.failed.get(where)
            if failed and self.clock() - failed[0] < RETRY_FAILED_SECONDS:
                return
            if not self.due(recorded_at(), now):
                return
            try:
                act.check_permissions(platform, account_id)
            except Exception as error:
                reason = " ".join(str(error).split()) or type(error).__name__
                self.failed[where] = (self.clock(), reason)
            else:
                self.failed.pop(where, None)


def account_to_check(con: duckdb.DuckDBPyConnection, key: str) -> tuple[str, str, datetime | None] | None:
    """(platform, account id, when its permissions were last recorded) of the exception's account, when the
    exception's rule offers an action through the platform; None otherwise."""
    row = con.execute(
        "SELECT rule, platform, subject_kind, account_id FROM audit.exceptions WHERE key = ?", [key]
    ).fetchone()
    if row is None or row[3] is None:
        return None
    rule, platform, subject_kind, account_id = (str(v) for v in row)
    if all(action.manual for action in offered(rule, platform, subject_kind)):
        return None
    recorded = latest_permissions(con).get((platform, account_id))
    return platform, account_id, recorded.checked_at if recorded else None


def _offer(
    plan: Plan,
    permissions: dict[tuple[str, str], Permission],
    held: list[Recorded],
    identity: str | None,
    unchecked: str | None = None,
) -> dict[str, Any]:
    """One action as the page shows it: its plan, whether it is offered, and what is on record for it. `unchecked`:
    why the account's credentials could not be checked."""
    e = plan.exception
    permission = permissions.get((str(e["platform"]), str(e["account_id"])))
    if plan.action.manual:
        offered, why = True, ""
    elif permission is None:
        offered = False
        why = (
            f"not offered: the account's credentials could not be checked ({unchecked}); the app asks again in a "
            "few minutes"
            if unchecked
            else "not offered: the account's credentials have not been checked yet (they are, when someone who "
            "may act opens this page)"
        )
    elif plan.action.name not in permission.allowed:
        offered, why = False, f"not offered: {permission.detail}"
    else:
        offered, why = True, ""
    mine = [r for r in held if r.action == plan.action.name]
    standing = next((r for r in reversed(mine) if r.standing), None)
    waiting = next((r for r in reversed(mine) if r.awaiting_confirmation), None)
    requested_here = (
        waiting is not None
        and identity is not None
        and same_identity(str(waiting.requested["actor_identity"]), identity)
    )
    return {
        "plan": plan,
        "lines": plan.lines(),
        "offered": offered and standing is None,
        "why": why,
        "standing": standing,
        "waiting": waiting,
        # The person who requested it sees it waiting; anyone else who may act confirms it here.
        "confirm_here": waiting is not None and not requested_here,
        "irreversible": not plan.action.reversible,
    }


def action_context(
    con: duckdb.DuckDBPyConnection,
    key: str,
    acting: bool,
    person: Person | None,
    unchecked: Callable[[str, str], str | None] = lambda platform, account_id: None,
) -> dict[str, Any]:
    """What the detail page shows of actions: each offered one, and every action on record for the exception."""
    if not acting:
        return {"acting": False, "offers": [], "problems": [], "actions": history(con, key)}
    permissions = latest_permissions(con)
    held = recorded_actions(con, key)
    identity = person.identity if person else None
    offers, problems = [], []
    for item in offered_plans(con, key):
        if isinstance(item, str):
            problems.append(item)
        else:
            e = item.exception
            why = unchecked(str(e["platform"]), str(e["account_id"]))
            offers.append(_offer(item, permissions, held, identity, why))
    return {"acting": True, "offers": offers, "problems": problems, "actions": history(con, key)}


@dataclass(frozen=True)
class Pages:
    """What the action route borrows from the app (dashboards/review_app.py): who is signed in and where, the
    session's CSRF check, how sensitive the snapshot's exception is, the pages, and the access log."""

    entry: Callable[[Request, str | None], Any]  # (school, Permissions) or the Response to send
    person: Callable[[Request], Person | None]
    csrf_ok: Callable[[Request, str], bool]
    sensitivity: Callable[[Any, str], Sensitivity | None]  # None: no such exception
    show: Callable[..., HTMLResponse]
    missing: Callable[[Request, Any, Permissions, str], HTMLResponse]
    forbidden: Callable[[Request], HTMLResponse]
    note: Callable[..., None]
    access: Callable[[Request, Person], AccessEntry]
    link: Callable[[Any], Callable[..., str]]


def add_action_routes(app: FastAPI, acting: Mapping[str, Act], pages: Pages) -> None:
    """POST /remediate: a signed-in person whose role acts on the exception ticks the confirmation, then the action
    goes through the school's `Act` (none for a school served without its school.toml: nothing is done)."""

    @app.post("/remediate")
    def remediate(
        request: Request,
        # Not required by the form parser: a request without them is still answered by the session check first.
        key: str = Form(""),
        action: str = Form(""),
        note: str = Form(""),
        confirm: str = Form(""),
        school_slug: str | None = Form(None, alias="school"),
        csrf_token: str = Form(""),
    ) -> Response:
        found = pages.entry(request, school_slug)
        if isinstance(found, Response):
            return found
        where, allowed = found
        person = pages.person(request)
        assert person is not None  # entry() answered for anyone not signed in
        if not pages.csrf_ok(request, csrf_token):
            pages.note(
                request, where, "denied", key, f"remediate {action}: the form's token is not this session's"
            )
            return pages.forbidden(request)
        level = pages.sensitivity(where, key)
        if level is None or not allowed.may_read(level):
            return pages.missing(request, where, allowed, key)
        if not allowed.may_act(level):
            pages.note(request, where, "denied", key, f"remediate {action}: not for this role")
            return pages.forbidden(request)
        form = {"note": note, "action": action}

        def refused(error: str, status_code: int) -> HTMLResponse:
            return pages.show(request, where, allowed, key, error=error, form=form, status_code=status_code)

        act = acting.get(where.slug)
        if act is None:
            return refused(
                "this review app was started without the school's school.toml: nothing was done", 409
            )
        if confirm != "yes":
            return refused(f"tick the box to confirm {action}: nothing was done", 400)
        actor = Actor(person.identity, person.name or person.identity, "review-app")
        try:
            outcome = act(key, action, actor, note.strip() or None, pages.access(request, person))
        except RemediationError as problem:
            pages.note(request, where, "remediate-refused", key, f"{action}: {problem}")
            return refused(str(problem), 409)
        except WarehouseBusy as busy:
            response = refused(f"{busy}: nothing was sent", 503)
            response.headers["Retry-After"] = str(busy.retry_after_seconds)
            return response
        if outcome.waiting:
            done = "waiting"
        elif outcome.done:
            done = "acted"
        else:
            return refused(outcome.line, 409)
        return RedirectResponse(pages.link(where)("/exception", key=key, done=done), status_code=303)
