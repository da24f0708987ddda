"""In a real browser: a poster checks a draft on "Check a post" (hold: a certificate names a pupil), changes it, and
cannot approve it; the approver approves it. A stranger, and a signed-in person without the role, get nothing,
by the browser or by direct HTTP."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from PIL import Image

from checks.registers.loading import load_registers
from dashboards import accounts
from dashboards.access import Grant, ReviewAppSettings
from dashboards.review_app import create_app
from flows.commands.review_app import Served, checking
from flows.config.school import load_config
from sandbox.school.images import Shot
from sandbox.school.lettering import Lettering, draw
from tests.builders.findings import AS_OF, one_run
from tests.builders.images import original
from tests.builders.review_app import PASSWORD, csrf_in
from tests.builders.served_app import served
from tests.builders.tiny_dataset import SCHOOL_NAME, build_tiny_dataset
from tests.builders.warehouse import migrated_warehouse
from warehouse.db import connect
from warehouse.load import store_registers

PEOPLE = {"pat": "poster", "head": "approver", "vic": "viewer"}


@pytest.fixture(scope="module")
def school_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The review app over the tiny school, its warehouse after one run that raised nothing: a check reads the
    registers, approved library and images through the school's school.toml, and needs no audited week; the pupil
    finder reads the registers a run stores, so they are stored. Each test only adds post checks of its own, and the
    approver's list shows the newest first."""
    folder = tmp_path_factory.mktemp("check-post")
    dataset = build_tiny_dataset(folder / "school")
    config = load_config(dataset / "school.toml")
    registers = load_registers(config.registers_dir, config.registers.columns)
    db = migrated_warehouse(folder / "w.duckdb")
    con = connect(db)
    store_registers(con, registers.frames(), registers.files, AS_OF)
    one_run(con, db, ())
    accounts_file = folder / "review-accounts.json"
    for name in PEOPLE:
        accounts.add_account(
            accounts_file, name, PASSWORD, name.upper(), created_by="test", created_at="2026-11-20"
        )
    settings = ReviewAppSettings(
        accounts_file=str(accounts_file),
        grants=tuple(Grant(role, (f"local:{name}",)) for name, role in PEOPLE.items()),
    )
    where = Served(
        {"school": db}, {"school": SCHOOL_NAME}, dataset, {"school": (dataset / "school.toml", True)}
    )
    pictures = {
        "certificate.jpg": draw(
            Shot(3, "classroom"),
            Lettering(
                "certificate", ("Certificate of Achievement", "awarded to", "Alfie Price", "for reading"), 5
            ),
            1200,
            900,
        ),
        "photo0.jpg": draw(Shot(21, "playground"), None, 1200, 900),
    }
    for name, picture in pictures.items():
        (folder / name).write_bytes(original(picture))
    with served(create_app(db, settings, accounts_file=accounts_file, checking=checking(where))) as url:
        yield url, folder


def test_a_poster_checks_and_an_approver_approves_in_chromium(browser: Any, school_app: Any) -> None:
    url, folder = school_app
    page = browser.new_context().new_page()
    page.goto(f"{url}/")
    page.get_by_label("Account name").fill("pat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # A poster reads no exception: the app opens on "Check a post".
    assert page.locator("h1").inner_text() == "Check a post before you post it"

    page.get_by_label("Find a pupil in the register (name or pupil id)").fill("alfie")
    page.keyboard.press("Enter")
    page.get_by_label("Alfie Price (P0001; photo consent granted)").check()
    page.get_by_label("Text").fill("Reading award winners this week! #TinyLane")
    page.get_by_label("Photos (up to 4, each at most 20 MB)").set_input_files(
        [str(folder / "certificate.jpg"), str(folder / "photo0.jpg")]
    )
    page.get_by_role("button", name="Check the draft").click()
    assert page.locator("#verdict").inner_text() == "hold"
    findings = page.locator("#findings").inner_text()
    assert "pupil-named" in findings and "Alfie Price" in findings and "certificate.jpg" in findings
    assert page.get_by_role("button", name="Approve this draft").count() == 0

    # Changed: the certificate left out. Only approval stands in the way, and a poster cannot give it.
    page.goto(f"{url}/check-post?q=P0001")
    page.get_by_label("Alfie Price (P0001; photo consent granted)").check()
    page.get_by_label("Text").fill("Reading award winners this week! #TinyLane")
    page.get_by_label("Photos (up to 4, each at most 20 MB)").set_input_files([str(folder / "photo0.jpg")])
    page.get_by_label("Photos (up to 4, each at most 20 MB)").press("Enter")
    page.get_by_role("button", name="Check the draft").focus()
    page.keyboard.press("Enter")
    assert page.locator("#verdict").inner_text() == "hold"
    assert "Only approval stands in the way" in page.content()
    assert page.get_by_role("button", name="Approve this draft").count() == 0
    check_id = page.locator("#check-id").inner_text()
    token = csrf_in(page.content())
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    with httpx.Client(base_url=url, cookies=cookies) as as_poster:
        refused = as_poster.post("/approve-post", data={"check_id": check_id, "csrf_token": token})
        assert refused.status_code == 403
        assert as_poster.get("/post-checks").status_code == 403
        assert as_poster.get("/").status_code in (200, 303)

    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{url}/")
    page.get_by_label("Account name").fill("head")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{url}/post-checks")
    page.locator("tbody tr").first.get_by_role("link").click()
    assert page.locator("#check-id").inner_text() == check_id
    page.get_by_role("button", name="Approve this draft").click()
    assert page.locator("#approval").inner_text().startswith("approved by local:head")
    assert page.get_by_role("status").first.inner_text().startswith("Approved")


def signed_in(browser: Any, url: str, name: str) -> Any:
    """A browser context signed in as `name`: its `request` is a direct HTTP client holding the same session."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/signin")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    # Waited for: the tests read the page the sign-in leads to (its CSRF token), and on a loaded machine a read
    # straight after the click found the page still between the two ("no CSRF token in the page").
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    return context


def test_a_stranger_and_a_viewer_get_nothing(browser: Any, school_app: Any) -> None:
    url, folder = school_app
    photo = {"name": "photo0.jpg", "mimeType": "image/jpeg", "buffer": (folder / "photo0.jpg").read_bytes()}
    stranger = browser.new_context().request
    for path in ("/check-post", "/post-checks", "/post-check?id=x"):
        answer = stranger.get(f"{url}{path}", max_redirects=0)
        assert answer.status in (302, 303, 307) and "/signin" in answer.headers["location"], path
    assert stranger.post(f"{url}/check-post", multipart={"images": photo}).status == 403
    assert stranger.post(f"{url}/approve-post", form={"check_id": "x"}).status == 403

    viewer = signed_in(browser, url, "vic")
    assert viewer.request.get(f"{url}/check-post").status == 403
    token = csrf_in(viewer.pages[0].content())
    assert (
        viewer.request.post(f"{url}/check-post", multipart={"text": "hello", "csrf_token": token}).status
        == 403
    )

    poster = signed_in(browser, url, "pat")
    token = csrf_in(poster.pages[0].content())
    wrong = poster.request.post(
        f"{url}/check-post", multipart={"text": "Call 07700 900123", "csrf_token": "x"}
    )
    assert wrong.status == 403
    checked = poster.request.post(
        f"{url}/check-post", multipart={"text": "Call 07700 900123", "csrf_token": token}
    )
    assert checked.status == 200 and "contact-details" in checked.text()
    # An image bomb (100 megapixels of one colour, a few hundred kilobytes) is refused, not decoded.
    bomb = io.BytesIO()
    Image.new("L", (10_000, 10_000)).save(bomb, "PNG")
    refused = poster.request.post(
        f"{url}/check-post",
        multipart={
            "csrf_token": token,
            "images": {"name": "bomb.png", "mimeType": "image/png", "buffer": bomb.getvalue()},
        },
    )
    assert refused.status == 400 and "Not checked: could not check: bomb.png" in refused.text()
