"""The review app's "Check a post" pages: a `poster` checks a draft (text, images, the pupils it shows) before it
is posted; an `approver` sees the checked drafts and approves one, so next week's run trusts its images.

The check itself is the school's own (`CheckPost`, built by flows/ from its school.toml: flows/post_checking.py),
the weekly rules run on the draft; the images are read from the upload in memory (the form parser's spool files
end with the request) and kept in the warehouse for the approver only until retention removes them. Every check,
approval and refusal is in the access log; a stranger gets nothing, a poster cannot approve (the route asks the
role, whatever the form says), and every form carries the session's CSRF token.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dashboards.access import Permissions, Person
from warehouse import post_checks
from warehouse.db import WarehouseBusy
from warehouse.people import same_identity
from warehouse.privacy.access_log import AccessEntry

MAX_IMAGES = 4
MAX_TEXT_CHARS = 25_000
PUPILS_SHOWN = 30
# (text, [(file name, bytes)], pupil ids, platform, the access-log entry) -> {"verdict", "findings", "check_id"};
# ValueError (one line) when the draft cannot be checked.
CheckPost = Callable[[str, Sequence[tuple[str, bytes]], Sequence[str], str, AccessEntry], dict[str, Any]]
IMAGE_TYPES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG": "image/png",
    b"GIF8": "image/gif",
    b"RIFF": "image/webp",
}


@dataclass(frozen=True)
class PostPages:
    """What the pages borrow from the app (dashboards/review_app.py)."""

    entry: Callable[[Request, str | None], Any]  # (school, Permissions) or the Response to send
    person: Callable[[Request], Person | None]
    csrf_ok: Callable[[Request, str], bool]
    page: Callable[..., HTMLResponse]  # school_page(request, school, allowed, template, status, **context)
    forbidden: Callable[[Request], HTMLResponse]
    note: Callable[..., None]
    read: Callable[[Any, Callable[[duckdb.DuckDBPyConnection], dict[str, Any]]], dict[str, Any] | None]
    access: Callable[[Request, Person, str], AccessEntry]
    link: Callable[[Any], Callable[..., str]]
    max_image_bytes: int
    write_timeout: float


def add_post_check_routes(app: FastAPI, checking: Mapping[str, CheckPost], pages: PostPages) -> None:
    def allowed_to_check(request: Request, slug: str | None) -> tuple[Any, Permissions] | Response:
        found = pages.entry(request, slug)
        if isinstance(found, Response):
            return found
        where, allowed = found
        if not allowed.may_check_posts:
            pages.note(request, where, "denied", "check-post", "not for this role")
            return pages.forbidden(request)
        return where, allowed

    def pupils_matching(where: Any, query: str) -> list[dict[str, Any]]:
        words = [w.casefold() for w in query.split() if w.strip()]
        if not words:
            return []

        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            rows = con.execute(
                "SELECT person_id, forename, preferred_name, surname, photo_consent FROM marts.dim_register_people"
                " WHERE person_kind = 'pupil' AND status = 'current' ORDER BY surname, forename"
            ).fetchall()
            return {"rows": rows}

        held = pages.read(where, load) or {"rows": []}
        found = []
        for pupil_id, forename, preferred, surname, consent in held["rows"]:
            said = " ".join(str(p) for p in (pupil_id, forename, preferred, surname) if p).casefold()
            if all(word in said for word in words):
                name = f"{preferred or forename} {surname}"
                found.append({"id": pupil_id, "name": name, "consent": consent})
        return found[:PUPILS_SHOWN]

    def form_page(
        request: Request, where: Any, allowed: Permissions, status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        query = request.query_params.get("q", "")
        chosen = request.query_params.getlist("pupil")
        return pages.page(
            request,
            where,
            allowed,
            "app_check_post.html.j2",
            status_code,
            query=query,
            found=pupils_matching(where, query),
            chosen=chosen,
            max_images=MAX_IMAGES,
            max_mb=pages.max_image_bytes // (1024 * 1024),
            **context,
        )

    @app.get("/check-post", response_class=HTMLResponse)
    def check_post_form(request: Request, school: str | None = None) -> Response:
        found = allowed_to_check(request, school)
        if isinstance(found, Response):
            return found
        return form_page(request, *found)

    @app.post("/check-post", response_class=HTMLResponse)
    async def check_post(request: Request, school: str | None = None) -> Response:
        # Who asks is settled before the body is read: a stranger's upload is never parsed. A body over
        # check_post_body_limit was refused before it reached here (dashboards/request_gate.py).
        found = allowed_to_check(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        # At most MAX_IMAGES files; no field but the files over the parser's own limit. The spool files end here.
        async with request.form(max_files=MAX_IMAGES, max_fields=200) as form:
            if not pages.csrf_ok(request, _field(form, "csrf_token")):
                pages.note(request, where, "denied", "check-post", "the form's token is not this session's")
                return pages.forbidden(request)
            text = _field(form, "text")[:MAX_TEXT_CHARS]
            platform = _field(form, "platform") or "x"
            pupils = [str(p) for p in form.getlist("pupil") if str(p).strip()]
            uploads: list[tuple[str, bytes]] = []
            for upload in form.getlist("images"):
                if isinstance(upload, str) or not upload.filename:
                    continue
                data = await upload.read(pages.max_image_bytes + 1)
                if len(data) > pages.max_image_bytes:
                    return form_page(
                        request,
                        where,
                        allowed,
                        413,
                        error=f"{upload.filename} is over {pages.max_image_bytes // (1024 * 1024)} MB",
                        text=text,
                    )
                uploads.append((upload.filename, data))
        check = checking.get(where.slug)
        if check is None:
            return form_page(
                request,
                where,
                allowed,
                409,
                error="this review app was started without the school's school.toml",
            )
        if not text.strip() and not uploads:
            return form_page(
                request, where, allowed, 400, error="nothing to check: write the text or add images"
            )
        person = pages.person(request)
        assert person is not None
        try:
            outcome = await run_in_threadpool(
                check, text, uploads, pupils, platform, pages.access(request, person, "check-post")
            )
        except ValueError as problem:
            pages.note(request, where, "denied", "check-post", f"could not check: {problem}")
            return form_page(request, where, allowed, 400, error=f"could not check: {problem}", text=text)
        except WarehouseBusy as busy:
            return form_page(request, where, allowed, 503, error=str(busy), text=text)
        return RedirectResponse(pages.link(where)("/post-check", id=outcome["check_id"]), status_code=303)

    @app.get("/post-check", response_class=HTMLResponse)
    def post_check(request: Request, id: str = "", school: str | None = None, done: str = "") -> Response:
        found = allowed_to_check(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        person = pages.person(request)
        assert person is not None

        def load(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
            held = post_checks.check(con, id) if post_checks.has_tables(con) else None
            if held is not None:
                for image in held["images"]:
                    data = post_checks.image_bytes(con, id, image["position"]) if image["kept"] else None
                    image["src"] = _data_uri(data) if data else None
            return {"check": held}

        held = (pages.read(where, load) or {}).get("check")
        # A poster sees their own checks; an approver every one. Another's check gets the answer a check that does
        # not exist gets (nothing to learn by probing ids), and the attempt is logged as a denial.
        own_check = held is not None and same_identity(
            held["checked_identity"] or held["checked_by"], person.identity
        )
        if held is None or not (allowed.may_approve_posts or own_check):
            if held is not None:
                pages.note(request, where, "denied", f"post-check:{id}", "view: another person's check")
            return pages.page(request, where, allowed, "app_missing.html.j2", 404, key=None)
        pages.note(request, where, "view", f"post-check:{id}")
        return pages.page(
            request,
            where,
            allowed,
            "app_post_check.html.j2",
            check=held,
            approvable=post_checks.settled_by_approval(held["findings"]) and held["approval"] is None,
            own_check=own_check,
            message={"approved": "Approved: its images count as approved media from next week's run."}.get(
                done, ""
            ),
        )

    @app.get("/post-checks", response_class=HTMLResponse)
    def post_check_list(request: Request, school: str | None = None) -> Response:
        found = allowed_to_check(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        if not allowed.may_approve_posts:
            pages.note(request, where, "denied", "post-checks", "not for this role")
            return pages.forbidden(request)
        rows = (pages.read(where, lambda con: {"rows": _recent(con)}) or {"rows": []})["rows"]
        pages.note(request, where, "list", "post-checks", f"{len(rows)} shown")
        return pages.page(request, where, allowed, "app_post_checks.html.j2", rows=rows)

    @app.post("/approve-post")
    async def approve_post(request: Request, school: str | None = None) -> Response:
        found = allowed_to_check(request, school)
        if isinstance(found, Response):
            return found
        where, allowed = found
        async with request.form(max_files=0, max_fields=10) as form:
            check_id, token = _field(form, "check_id"), _field(form, "csrf_token")
        if not pages.csrf_ok(request, token):
            pages.note(
                request, where, "denied", check_id, "approve-post: the form's token is not this session's"
            )
            return pages.forbidden(request)
        if not allowed.may_approve_posts:
            pages.note(request, where, "denied", check_id, "approve-post: not for this role")
            return pages.forbidden(request)
        person = pages.person(request)
        assert person is not None
        try:
            await run_in_threadpool(
                post_checks.approve_and_record,
                where.db_path,
                check_id,
                pages.access(request, person, "approve-post"),
                pages.write_timeout,
            )
        except post_checks.NotApprovable as problem:
            pages.note(request, where, "denied", check_id, f"approve-post: {problem}")
            return pages.page(
                request, where, allowed, "app_post_check_refused.html.j2", 409, error=str(problem)
            )
        except WarehouseBusy as busy:
            return pages.page(request, where, allowed, "app_post_check_refused.html.j2", 503, error=str(busy))
        return RedirectResponse(
            pages.link(where)("/post-check", id=check_id, done="approved"), status_code=303
        )


def check_post_body_limit(max_image_bytes: int) -> int:
    """The most a draft's form sends: its images, its text (at most 4 bytes a character) and the other fields."""
    return MAX_IMAGES * max_image_bytes + MAX_TEXT_CHARS * 4 + 65536


def _field(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _recent(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return post_checks.recent_checks(con) if post_checks.has_tables(con) else []


def _data_uri(data: bytes) -> str | None:
    """The image inline (the pages' policy allows `data:` images only), for a type browsers show; else None."""
    kind = next((kind for magic, kind in IMAGE_TYPES.items() if data.startswith(magic)), None)
    return f"data:{kind};base64,{base64.b64encode(data).decode()}" if kind else None
