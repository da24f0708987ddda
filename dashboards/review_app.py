"""The review app: the ETL's browser view of exceptions, their history, trends, and the decisions they record.

It never collides with the weekly run: pages read the read-only snapshot (`<db>.readonly.duckdb`), and a
decision is one short write transaction on the warehouse (retried while the run holds the lock), after which
the snapshot is published again. Forms are same-origin POSTs carrying a token made fresh for each process.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import duckdb
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.middleware.trustedhost import TrustedHostMiddleware

from dashboards.charts import trend_charts
from dashboards.listing import filter_options, select_exceptions
from dashboards.report import OPEN_STATUSES, environment, profiles
from dashboards.review_actions import Act, action_context, add_action_routes
from warehouse.db import WarehouseBusy
from warehouse.reviews import DECISIONS, ReviewError, history, latest_week, review_and_publish
from warehouse.snapshot import open_snapshot

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
SECURITY_HEADERS = {
    # No scripts at all: the pages are plain HTML forms and inline SVG.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # Pages name children: no copies in shared caches or the browser's disk cache.
    "Cache-Control": "no-store",
}
DECISION_LABELS = {
    "acknowledge": "Acknowledge (we are dealing with it)",
    "accept": "Accept until a date (reason required)",
    "false-positive": "Mark a false positive",
    "reopen": "Reopen",
}


def create_app(
    db_path: Path,
    token: str | None = None,
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS,
    write_timeout: float = 120.0,
    act: Act | None = None,
) -> FastAPI:
    """The app for one warehouse. `token` defaults to a fresh random one: forms from another process fail. `act`
    takes actions through the platforms (flows/remediation.py); without it none is offered."""
    db_path = Path(db_path)
    csrf_token = token or secrets.token_urlsafe(32)
    templates = environment()
    app = FastAPI(title="socialaudit review", docs_url=None, redoc_url=None, openapi_url=None)
    # Refuse other Host names: a page elsewhere cannot rebind its own name to 127.0.0.1 and read this app.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = templates.get_template(name).render(
            csrf_token=csrf_token, decisions=DECISION_LABELS, **context
        )
        return HTMLResponse(html, status_code=status_code)

    def read(work: Callable[[duckdb.DuckDBPyConnection], dict[str, Any]]) -> dict[str, Any] | None:
        try:
            con = open_snapshot(db_path)
        except FileNotFoundError:
            return None
        try:
            return work(con)
        finally:
            con.close()

    def no_snapshot() -> HTMLResponse:
        return page("app_empty.html.j2", 503, db=str(db_path))

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        chosen = {
            name: request.query_params.getlist(name) for name in ("rule", "severity", "status", "platform")
        }
        statuses = chosen["status"] or list(OPEN_STATUSES)

        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            rows = select_exceptions(con, statuses, chosen["rule"], chosen["severity"], chosen["platform"])
            return {
                "rows": rows,
                "options": filter_options(con),
                "charts": trend_charts(con),
                "week": latest_week(con),
                "profiles": profiles(con, rows),
            }

        data = read(load)
        if data is None:
            return no_snapshot()
        return page("app_list.html.j2", chosen={**chosen, "status": statuses}, **data)

    @app.get("/exception", response_class=HTMLResponse)
    def detail(key: str, done: str = "", acted: str = "") -> HTMLResponse:
        message = "Decision recorded." if done else ""
        if acted:
            message = "Action taken and recorded: next week's run checks it took effect (see Actions below)."
        return show(key, message=message)

    def show(
        key: str,
        message: str = "",
        error: str = "",
        form: dict[str, str] | None = None,
        status_code: int | None = None,
    ) -> HTMLResponse:
        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            rows = [r for r in select_exceptions(con, ["all"]) if r["key"] == key]
            return {
                "rows": rows,
                "history": history(con, key),
                "profiles": profiles(con, rows),
                "week": latest_week(con),
                "actions": action_context(con, key, act is not None) if rows else {},
            }

        data = read(load)
        if data is None:
            return no_snapshot()
        if not data["rows"]:
            return page("app_missing.html.j2", 404, key=key)
        return page(
            "app_detail.html.j2",
            status_code or (400 if error else 200),
            row=data["rows"][0],
            history=data["history"],
            profile=data["profiles"].get(key),
            week=data["week"],
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
        note: str = Form(""),
        by: str = Form(""),
        until: str = Form(""),
        csrf_token_field: str = Form("", alias="csrf_token"),
    ) -> Response:
        if not hmac.compare_digest(csrf_token_field.encode(), csrf_token.encode()) or not same_origin(
            request
        ):
            return page("app_forbidden.html.j2", 403)
        form = {"note": note, "by": by, "until": until, "decision": decision}
        try:
            expiry = date.fromisoformat(until) if until.strip() else None
        except ValueError:
            return show(key, error=f"{until!r} is not a date (YYYY-MM-DD)", form=form)
        if decision not in DECISIONS:
            return show(key, error=f"unknown decision {decision!r}", form=form)
        try:
            review_and_publish(
                db_path, key, decision, note, by, expiry, source="review-app", timeout_seconds=write_timeout
            )
        except ReviewError as problem:
            return show(key, error=str(problem), form=form)
        except WarehouseBusy as busy:
            # The form comes back as typed (the note is kept): the reviewer submits it again later.
            response = show(
                key,
                error=f"{busy}. Your note is kept below: submit it again then.",
                form=form,
                status_code=503,
            )
            response.headers["Retry-After"] = str(busy.retry_after_seconds)
            return response
        return RedirectResponse(f"/exception?key={quote(key, safe='')}&done=1", status_code=303)

    def csrf_ok(request: Request, submitted: str) -> bool:
        return hmac.compare_digest(submitted.encode(), csrf_token.encode()) and same_origin(request)

    add_action_routes(app, act, csrf_ok, lambda: page("app_forbidden.html.j2", 403), show)
    return app


def same_origin(request: Request) -> bool:
    """The form was posted by a page of this app: Origin (or, failing that, Referer) names this host."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == f"{request.url.scheme}://{host}"
    referer = request.headers.get("referer")
    if referer is not None:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" == f"{request.url.scheme}://{host}"
    # Neither header: not a browser form post from another site (browsers send Origin on cross-site POSTs).
    return True
