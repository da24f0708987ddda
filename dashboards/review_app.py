"""The review app: exceptions, their evidence and history, trends, and the decisions signed-in people record.

It serves nobody who has not signed in (dashboards/sign_in.py, dashboards/web_auth.py), shows and lets each person
decide only what their role at that school allows (dashboards/access.py), and records every list, view, decision and
refusal in the school's access log (warehouse/privacy/access_log.py). One app serves one school, or a trust's schools,
each reviewer seeing only the schools granted to them (`?school=SLUG`).

It never collides with the weekly run: pages read the read-only snapshot (`<db>.readonly.duckdb`, or the lake's
committed snapshot), and a decision is one short write transaction on the warehouse (retried while the run holds
the lock), after which the snapshot is published again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import duckdb
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from dashboards.access import AccessPolicy, Permissions, ReviewAppSettings
from dashboards.charts import trend_charts
from dashboards.listing import filter_options, one_page, select_exceptions
from dashboards.post_check_pages import CheckPost, PostPages, add_post_check_routes, check_post_body_limit
from dashboards.report import OPEN_STATUSES, environment, profiles, rule_descriptions
from dashboards.request_gate import SignedInFirst
from dashboards.review_actions import (
    Act,
    Pages,
    PermissionChecks,
    account_to_check,
    action_context,
    add_action_routes,
)
from dashboards.sign_in import add_sign_in_routes, sign_in_redirect
from dashboards.sign_in_state import SignInState, state_path
from dashboards.web_auth import Sessions, add_middleware, client_address
from warehouse.db import WarehouseBusy
from warehouse.load import now_utc
from warehouse.people import Actor
from warehouse.privacy import access_log
from warehouse.privacy.access_log import AccessEntry
from warehouse.reviews import (
    DECISIONS,
    ReviewError,
    history,
    latest_week,
    max_accept_days,
    pending_decision,
    review_and_publish,
)
from warehouse.safeguarding import Sensitivity, row_sensitivity, sensitivity
from warehouse.snapshot import open_snapshot

DECISION_LABELS = {
    "acknowledge": "Acknowledge (we are dealing with it)",
    "accept": "Accept until a date (reason required)",
    "false-positive": "Mark a false positive",
    "reopen": "Reopen",
}
ACCESS_LOG_ROWS = 500


@dataclass(frozen=True)
class School:
    slug: str
    name: str
    db_path: Path


def create_app(
    schools: Mapping[str, Path] | Path,
    settings: ReviewAppSettings,
    bind_host: str = "127.0.0.1",
    names: Mapping[str, str] | None = None,
    write_timeout: float = 120.0,
    session_key: str | None = None,
    client_secret: str | None = None,
    accounts_file: Path | None = None,
    acting: Mapping[str, Act] | None = None,
    proxy_secret: str | None = None,
    checking: Mapping[str, CheckPost] | None = None,
    max_image_bytes: int = 20 * 1024 * 1024,
) -> FastAPI:
    """The app over one warehouse (a Path) or a trust's (slug -> warehouse). `session_key` signs the session cookies
    (default: a fresh random key, so sessions end when the app restarts). `acting` (slug -> Act) takes actions on
    findings through each school's accounts (flows/remediation.py); a school without one is offered none.
    `checking` (slug -> CheckPost) checks a draft by the school's own registers and rules (flows/post_checking.py)."""
    warehouses = (
        {"school": Path(schools)} if isinstance(schools, Path) else {k: Path(v) for k, v in schools.items()}
    )
    served = {slug: School(slug, (names or {}).get(slug, slug), db) for slug, db in warehouses.items()}
    policy = AccessPolicy(settings.grants, tuple(served))
    accounts_file = accounts_file or Path(settings.accounts_file)
    sessions = Sessions(settings.session_hours, SignInState(state_path(accounts_file)))
    acting = dict(acting or {})
    permission_checks = PermissionChecks()
    templates = environment()
    app = FastAPI(title="socialaudit review", docs_url=None, redoc_url=None, openapi_url=None)
    # Added first, so innermost: it reads the session the middleware below (outside it) decodes.
    app.add_middleware(
        SignedInFirst,
        signed_in=lambda request: sessions.person(request) is not None,
        refused=lambda request: forbidden(request),
        body_limits={"/check-post": check_post_body_limit(max_image_bytes)},
    )
    add_middleware(app, settings, bind_host, session_key, proxy_secret)

    def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        person = sessions.person(request)
        html = templates.get_template(name).render(
            **{"decisions": DECISION_LABELS, **context},
            csrf_token=Sessions.csrf_token(request),
            person=person,
        )
        return HTMLResponse(html, status_code=status_code)

    def noted_everywhere(request: Request, action: str, identity: str, detail: str) -> None:
        """A sign-in is to the app, not one school: every school it serves keeps it."""
        for school in served.values():
            access_log.record(
                school.db_path,
                AccessEntry(
                    identity or "unknown", "review-app", client_address(request), action, None, detail
                ),
            )

    add_sign_in_routes(app, settings, sessions, page, accounts_file, client_secret, noted_everywhere)

    def note(
        request: Request, school: School, action: str, obj: str | None, detail: str | None = None
    ) -> None:
        person = sessions.person(request)
        identity = person.identity if person else "not signed in"
        access_log.record(
            school.db_path, AccessEntry(identity, "review-app", client_address(request), action, obj, detail)
        )

    def entry(request: Request, slug: str | None) -> tuple[School, Permissions] | Response:
        """The school asked for and what the signed-in person may do there; otherwise the response to send."""
        person = sessions.person(request)
        if person is None:
            return sign_in_redirect(request) if request.method == "GET" else forbidden(request)
        granted = policy.schools_for(person)
        if not granted:
            return page(request, "app_no_access.html.j2", 403)
        if slug is None and len(served) > 1:
            return choose_school(request, granted)
        school = served.get(slug or next(iter(served)))
        if school is None or school.slug not in granted:
            return page(request, "app_missing.html.j2", 404, key=None)
        return school, policy.permissions(person, school.slug)

    def choose_school(request: Request, granted: list[str]) -> Response:
        if len(granted) == 1:
            return RedirectResponse(f"/?{urlencode({'school': granted[0]})}", status_code=303)
        return page(request, "app_schools.html.j2", schools=[served[s] for s in granted])

    def forbidden(request: Request) -> HTMLResponse:
        return page(request, "app_forbidden.html.j2", 403)

    def missing(request: Request, school: School, allowed: Permissions, key: str | None) -> HTMLResponse:
        return school_page(request, school, allowed, "app_missing.html.j2", 404, key=key)

    def sensitivity_in(school: School, key: str) -> Sensitivity | None:
        """How sensitive the exception is (warehouse/safeguarding.py); None when the snapshot has no such one."""
        found = read(school, lambda con: {"level": sensitivity_of(con, key)})
        return found["level"] if found else None

    def first_use_check(school: School, key: str) -> None:
        """What the credentials of the exception's account allow, asked now when nothing fresh is recorded (through
        the school's `Act`: the app holds no credentials of its own)."""
        act = acting.get(school.slug)
        account = read(school, lambda con: {"it": account_to_check(con, key)}) if act else None
        if act is None or account is None or account["it"] is None:
            return
        platform, account_id, checked_at = account["it"]

        def recorded_at() -> Any:
            again = read(school, lambda con: {"it": account_to_check(con, key)})
            return again["it"][2] if again and again["it"] else checked_at

        if permission_checks.due(checked_at, now_utc()):
            permission_checks.check(act, school.slug, platform, account_id, recorded_at, now_utc())

    def link_for(school: School) -> Callable[..., str]:
        def link(path: str, **params: Any) -> str:
            query = {"school": school.slug} if len(served) > 1 else {}
            query.update({k: v for k, v in params.items() if v is not None})
            return f"{path}?{urlencode(query, doseq=True)}" if query else path

        return link

    def read(
        school: School, work: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]]
    ) -> dict[str, Any] | None:
        try:
            con = open_snapshot(school.db_path)
        except FileNotFoundError:
            return None
        try:
            return work(con)
        finally:
            con.close()

    def school_page(
        request: Request,
        school: School,
        allowed: Permissions,
        name: str,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        return page(
            request,
            name,
            status_code,
            school=school,
            schools=len(served),
            allowed=allowed,
            link=link_for(school),
            **context,
        )

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, school: str | None = None) -> Response:
        found = entry(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        if not allowed.reads_exceptions and allowed.may_check_posts:
            return RedirectResponse(link_for(where)("/check-post"), status_code=303)
        chosen = {
            name: request.query_params.getlist(name) for name in ("rule", "severity", "status", "platform")
        }
        statuses = chosen["status"] or list(OPEN_STATUSES)

        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            every = select_exceptions(con, statuses, chosen["rule"], chosen["severity"], chosen["platform"])
            shown = one_page(
                every, lambda r: allowed.may_read(row_sensitivity(r)), request.query_params.get("page")
            )
            rows = shown.rows
            return {
                "rows": rows,
                "page": shown,
                "hidden": len(every) - shown.total,
                "options": filter_options(con),
                "charts": trend_charts(con),
                "week": latest_week(con),
                "profiles": profiles(con, rows),
            }

        data = read(where, load)
        if data is None:
            return school_page(request, where, allowed, "app_empty.html.j2", 503)
        filters = "; ".join(f"{k}={','.join(v)}" for k, v in {**chosen, "status": statuses}.items() if v)
        shown = data["page"]
        note(
            request,
            where,
            "list",
            filters,
            f"page {shown.number} of {shown.pages}: {len(data['rows'])} of {shown.total} shown, "
            f"{data['hidden']} not for this role",
        )
        return school_page(
            request, where, allowed, "app_list.html.j2", chosen={**chosen, "status": statuses}, **data
        )

    @app.get("/exception", response_class=HTMLResponse)
    def detail(request: Request, key: str, school: str | None = None, done: str = "") -> Response:
        found = entry(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        message = {
            "1": "Decision recorded.",
            "proposed": "Proposal recorded: a second person must confirm it.",
            "acted": "Action taken and recorded: next week's run checks it took effect (see Actions below).",
            "waiting": "Action recorded, not sent: it cannot be undone, so a second person must confirm it.",
        }
        return show(request, where, allowed, key, message=message.get(done, ""))

    def show(
        request: Request,
        school: School,
        allowed: Permissions,
        key: str,
        message: str = "",
        error: str = "",
        form: dict[str, str] | None = None,
        status_code: int | None = None,
    ) -> HTMLResponse:
        level = sensitivity_in(school, key)
        if level is not None and allowed.may_read(level) and allowed.may_act(level):
            first_use_check(school, key)

        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            rows = [r for r in select_exceptions(con, ["all"]) if r["key"] == key]
            return {
                "rows": rows,
                "history": history(con, key),
                "pending": pending_decision(con, key),
                "profiles": profiles(con, rows),
                "rules": rule_descriptions(con),
                "week": latest_week(con),
                "max_days": max_accept_days(con),
                "actions": action_context(
                    con,
                    key,
                    school.slug in acting,
                    sessions.person(request),
                    lambda platform, account: permission_checks.why_unchecked(school.slug, platform, account),
                )
                if rows
                else {},
            }

        data = read(school, load)
        if data is None:
            return school_page(request, school, allowed, "app_empty.html.j2", 503)
        if not data["rows"] or not allowed.may_read(row_sensitivity(data["rows"][0])):
            # The same answer whether it does not exist or is not for this role: nothing to learn by probing.
            if data["rows"]:
                note(request, school, "denied", key, "view: not for this role")
            return missing(request, school, allowed, key)
        row, week = data["rows"][0], data["week"]
        note(request, school, "view", key)
        return school_page(
            request,
            school,
            allowed,
            "app_detail.html.j2",
            status_code or (400 if error else 200),
            row=row,
            history=data["history"],
            pending=data["pending"],
            profile=data["profiles"].get(key),
            rule=data["rules"].get(row["rule"]),
            week=week,
            latest_until=week + timedelta(days=data["max_days"]) if week else None,
            may_decide=allowed.may_decide(row_sensitivity(row)),
            decisions={
                name: label
                for name, label in DECISION_LABELS.items()
                if name in allowed.decisions(row_sensitivity(row))
            },
            closes_elsewhere=not allowed.may_decide(row_sensitivity(row), "accept"),
            may_act=allowed.may_act(row_sensitivity(row)),
            actions=data["actions"],
            message=message,
            error=error,
            form=form or {},
        )

    @app.post("/review")
    def review(
        request: Request,
        key: str = Form(...),
        decision: str = Form(...),
        note_text: str = Form("", alias="note"),
        until: str = Form(""),
        school_slug: str | None = Form(None, alias="school"),
        csrf_token: str = Form(""),
    ) -> Response:
        found = entry(request, school_slug)
        if isinstance(found, Response):
            return found
        where, allowed = found
        person = sessions.person(request)
        assert person is not None
        if not sessions.csrf_ok(request, csrf_token):
            note(request, where, "denied", key, "decide: the form's token is not this session's")
            return forbidden(request)
        level = sensitivity_in(where, key)
        if level is None or not allowed.may_read(level):
            return missing(request, where, allowed, key)
        if not allowed.may_decide(level, decision):
            note(request, where, "denied", key, f"decide {decision}: not for this role")
            return forbidden(request)
        form = {"note": note_text, "until": until, "decision": decision}
        try:
            expiry = date.fromisoformat(until) if until.strip() else None
        except ValueError:
            return show(
                request, where, allowed, key, error=f"{until!r} is not a date (YYYY-MM-DD)", form=form
            )
        if decision not in DECISIONS:
            return show(request, where, allowed, key, error=f"unknown decision {decision!r}", form=form)
        try:
            decided = review_and_publish(
                where.db_path,
                key,
                decision,
                note_text,
                Actor(person.identity, person.identity, "review-app"),
                expiry,
                timeout_seconds=write_timeout,
                access=AccessEntry(person.identity, "review-app", client_address(request), "decide"),
            )
        except ReviewError as problem:
            note(request, where, "decide-refused", key, f"{decision}: {problem}")
            return show(request, where, allowed, key, error=str(problem), form=form)
        except WarehouseBusy as busy:
            # The form comes back as typed (the note is kept): the reviewer submits it again later.
            response = show(
                request,
                where,
                allowed,
                key,
                error=f"{busy}. Your note is kept below: submit it again then.",
                form=form,
                status_code=503,
            )
            response.headers["Retry-After"] = str(busy.retry_after_seconds)
            return response
        done = "proposed" if decided.awaiting_second else "1"
        return RedirectResponse(link_for(where)("/exception", key=key, done=done), status_code=303)

    @app.get("/access-log", response_class=HTMLResponse)
    def access_log_page(request: Request, school: str | None = None) -> Response:
        found = entry(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        if not allowed.may_read_access_log:
            note(request, where, "denied", "access-log", "not for this role")
            return missing(request, where, allowed, None)
        note(request, where, "access-log", None)
        data = read(where, recent_access)
        stored = data["rows"] if data else []
        waiting = [vars(e) for e in reversed(access_log.pending(where.db_path))]
        return school_page(request, where, allowed, "app_access_log.html.j2", pending=waiting, rows=stored)

    add_action_routes(
        app,
        acting,
        Pages(
            entry=entry,
            person=sessions.person,
            csrf_ok=sessions.csrf_ok,
            sensitivity=sensitivity_in,
            show=show,
            missing=missing,
            forbidden=forbidden,
            note=note,
            access=lambda request, person: AccessEntry(
                person.identity, "review-app", client_address(request), "remediate"
            ),
            link=link_for,
        ),
    )
    add_post_check_routes(
        app,
        dict(checking or {}),
        PostPages(
            entry=entry,
            person=sessions.person,
            csrf_ok=sessions.csrf_ok,
            page=school_page,
            forbidden=forbidden,
            note=note,
            read=read,
            access=lambda request, person, action: AccessEntry(
                person.identity, "review-app", client_address(request), action
            ),
            link=link_for,
            max_image_bytes=max_image_bytes,
            write_timeout=write_timeout,
        ),
    )
    return app


def sensitivity_of(con: duckdb.DuckDBPyConnection, key: str) -> Sensitivity | None:
    row = con.execute(
        "SELECT severity, person_kind, subject_kind FROM audit.exceptions WHERE key = ?", [key]
    ).fetchone()
    return sensitivity(str(row[0]), row[1], row[2]) if row else None


def recent_access(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    cursor = con.execute(
        "SELECT accessed_at, identity, os_user, via, origin, action, object, detail FROM dpo.access_log"
        f" ORDER BY accessed_at DESC LIMIT {ACCESS_LOG_ROWS}"
    )
    names = [d[0] for d in cursor.description]
    return {"rows": [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]}
