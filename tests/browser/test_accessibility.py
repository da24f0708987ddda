"""Every page a member of staff, a DPO or a trust reads meets WCAG 2.2 A and AA in Chromium (axe-core's rules, the
contrast axe cannot decide, reflow at 320 CSS px, focus, severity in words, figures beside charts), and a review
decision can be made with the keyboard alone. The pages are those docs/accessibility.md lists, no more, no fewer."""

from __future__ import annotations

import contextlib
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import markdown
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from checks.images.thumbnails import THUMBNAIL_SIDE
from checks.rules import RULES
from dashboards.dpia import generate_dpia
from dashboards.report import without_pictures
from dashboards.review_app import create_app
from dashboards.sar_export import cover_document
from dashboards.summary_email import ReportReference, build_messages
from dashboards.trust_report import write_trust_outputs
from flows.commands.review_app import Served, acting
from flows.config.school import RetentionSettings
from tests.browser.accessibility import (
    CHECKS_JS,
    NARROW,
    SETTLED,
    axe_problems,
    check_page,
    check_pages,
    checking_context,
    statement_pages,
)
from tests.browser.test_trust_report_in_browser import HOSTILE, WEEKS, school
from tests.builders.docs_site import served_folder
from tests.builders.review_app import PASSWORD, local_accounts, settings
from tests.builders.sample_weeks import SampleSchoolWeeks
from tests.builders.served_app import served

WEEK0 = date(2026, 11, 16)
# One account of each role (tests/builders/review_app.py), and one the school never granted.
ROLES = {"reviewer": "sam", "safeguarding lead": "dsl1", "DPO": "dee", "viewer": "vic"}
STRANGER = "nobody"


@dataclass(frozen=True)
class Audited:
    dataset: Path
    db: Path
    out: Path


@pytest.fixture(scope="module")
def checked() -> set[str]:
    """The pages this module checked, compared with the statement's list by its last test."""
    return set()


@pytest.fixture(scope="module")
def file_page(browser: Any) -> Iterator[Any]:
    """One page for the pages this module opens from files, each test going to its own: one renderer for them all,
    axe loaded with each page."""
    context = checking_context(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def audited(sample_school_two_weeks: SampleSchoolWeeks) -> Audited:
    """The small sample school audited for two weeks (findings of every severity, history, both charts): the
    session's live warehouse, as the review app acts only through a live one."""
    weeks = sample_school_two_weeks
    return Audited(weeks.dataset, weeks.db, weeks.out(1))


@pytest.fixture(scope="module")
def review_app(audited: Audited, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The review app of a trust's two schools: the audited one (acting through its sandbox) and one not audited
    yet; local accounts for each role, and one signed-in person with no role."""
    from dashboards import accounts

    root = tmp_path_factory.mktemp("a11y-app")
    accounts_file = local_accounts(root, tmp_path_factory.getbasetemp() / "accounts-template")
    accounts.add_account(
        accounts_file, STRANGER, PASSWORD, "Nobody", created_by="test", created_at="2026-11-13T09:00:00"
    )
    schools = {"oak": audited.db, "elm": root / "elm.duckdb"}
    names = {"oak": "Oak Primary", "elm": "Elm Infants"}
    where = Served(schools, names, audited.dataset, {"oak": (audited.dataset / "school.toml", True)})
    app = create_app(schools, settings(accounts_file), names=names, acting=acting(where))
    with served(app) as url:
        yield url


def sign_in(page: Any, url: str, name: str) -> None:
    page.goto(f"{url}/signin")
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def exceptions(out: Path) -> list[dict[str, Any]]:
    return list(json.loads((out / "exceptions.json").read_text("utf-8")))


def first(rows: list[dict[str, Any]], **wanted: Any) -> dict[str, Any]:
    return next(r for r in rows if all(r[k] in v for k, v in wanted.items()))


def test_the_report_and_the_e_mailed_copy(
    file_page: Any, audited: Audited, checked: set[str], tmp_path: Path
) -> None:
    page = file_page
    page.goto((audited.out / "report.html").as_uri())
    check_page(page, "The weekly report (report.html)", checked)
    # At a glance: "do first" heads the report, each entry leads to its finding; long evidence opens by keyboard.
    assert page.locator("h2").first.inner_text() == "Do first"
    entries = page.locator("#do-first ~ ol > li")
    assert 1 <= entries.count() <= 5
    for target in entries.locator("a[href^='#']").evaluate_all("links => links.map(a => a.hash.slice(1))"):
        assert page.locator(f"tr[id='{target}']").count() == 1
    folded = page.locator("td.evidence details").first
    assert not folded.evaluate("d => d.open")
    folded.locator("summary").focus()
    page.keyboard.press("Enter")
    assert folded.evaluate("d => d.open")

    # Beside each photo finding, its pictures from inside the file: drawn, small, named by what they are (never
    # by who is in them). A week after the images were downloaded they are still shown.
    pictures = page.locator("td .picture img").evaluate_all(
        "imgs => imgs.map(i => [i.alt, i.complete && i.naturalWidth > 0, i.naturalWidth, i.naturalHeight,"
        " i.src.slice(0, 5)])"
    )
    assert pictures
    for alt, drawn, width, height, scheme in pictures:
        assert drawn and max(width, height) <= THUMBNAIL_SIDE and scheme == "data:"
        assert alt == "the published picture" or re.fullmatch(r"approved picture A\d+", alt), alt

    # The copy attached to the e-mail, as flows/publish_email.py makes it: without the pictures.
    report = without_pictures((audited.out / "report.html").read_text(encoding="utf-8")).encode("utf-8")
    (message,) = build_messages(
        "Oak Primary",
        WEEK0,
        [],
        [],
        ReportReference("https://school.example/report.html", attached=report),
        "audit@school.example",
        ["etl@school.example"],
    )
    received = message_from_bytes(bytes(message), policy=default)
    assert isinstance(received, EmailMessage)
    (attached,) = [part for part in received.iter_attachments() if part.get_content_type() == "text/html"]
    opened = tmp_path / "attached.html"
    content = attached.get_content()
    assert isinstance(content, str) and "Social media audit" in content
    opened.write_text(content, encoding="utf-8")
    page.goto(opened.as_uri())
    assert page.locator("img").count() == 0
    check_page(page, "The report attached to the weekly e-mail", checked)


def test_the_trust_report(file_page: Any, checked: set[str], tmp_path: Path) -> None:
    this_week = [
        school("oak", "Oak Primary", "completed", WEEKS[1], critical=2, high=3),
        school("elm", "Elm Infants", "failed", WEEKS[1]),
        school("ash", HOSTILE, "partial", WEEKS[1], medium=1),
        school("yew", "Yew Tree CE Primary", "completed", WEEKS[1], high=4, low=2),
    ]
    last_week = [{**s, "as_of": WEEKS[0]} for s in this_week[:2]]
    paths = write_trust_outputs(
        tmp_path, "Riverside Learning Trust", "schools", WEEKS[1], this_week, last_week + this_week
    )
    file_page.goto(paths["trust-report.html"].as_uri())
    check_page(file_page, "The trust report (trust-report.html)", checked)


def test_the_dpia_summary(file_page: Any, checked: set[str], tmp_path: Path) -> None:
    text = generate_dpia("Oak Primary", RetentionSettings(), WEEK0, True, RULES)
    body = markdown.markdown(text, extensions=["tables"])
    page_file = tmp_path / "dpia.html"
    page_file.write_text(
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>DPIA summary</title>'
        "<style>table { display: block; overflow-x: auto; } a:focus { outline: 3px solid #1b1b1b; }</style>"
        f"</head><body><main>{body}</main></body></html>",
        encoding="utf-8",
    )
    file_page.goto(page_file.as_uri())
    check_page(file_page, "The DPIA summary (socialaudit dpia), as HTML", checked)


def test_the_subject_access_cover_document(file_page: Any, checked: set[str], tmp_path: Path) -> None:
    export = {
        "school": "Oak Primary",
        "generated_at": "2026-11-16T09:00:00+00:00",
        "register_ids": ["P0001"],
        "retention": [{"what": "findings about a person", "keep_for": "52 weeks"}],
        "sections": {
            "register_pupils": [{"pupil_id": "P0001"}],
            "texts_naming_them": [{"id": "1"}, {"id": "2"}],
            "raw_objects": [],
        },
    }
    page_file = tmp_path / "cover.html"
    page_file.write_text(cover_document(export), encoding="utf-8")
    file_page.goto(page_file.as_uri())
    check_page(file_page, "The subject access cover document (socialaudit sar)", checked)


def test_every_review_app_page_as_each_role_sees_it(
    browser: Any, audited: Audited, review_app: str, checked: set[str]
) -> None:
    url = review_app
    rows = exceptions(audited.out)
    high = first(rows, severity=("high",), status=("new", "open", "reopened"))
    critical = first(rows, severity=("critical",), status=("new", "open", "reopened"))
    oak = "school=oak"
    # One page throughout: each account signs in afresh, its predecessor's session cookie gone.
    context = checking_context(browser)
    page = context.new_page()

    page.goto(f"{url}/signin")
    check_page(page, "Review app: sign-in", checked)

    choice, refused = (
        "Review app: the choice of school",
        "Review app: a page the role may not open (the access log)",
    )
    for role, name in ROLES.items():
        context.clear_cookies()
        sign_in(page, url, name)
        # The choice of school and the refusal are listed once, and checked once: between the roles they differ
        # only by the name and roles in their header, which each role's own pages below are checked with.
        assert page.locator("h1").inner_text() == "Your schools"
        if choice not in checked:
            check_page(page, choice, checked)
        page.goto(f"{url}/?{oak}")
        check_page(page, f"Review app: the exceptions list, as the {role}", checked)
        if role == "safeguarding lead":
            # Every exception, in pages: the last one, its Previous link and the page in the address.
            page.goto(f"{url}/?{oak}&page=999")
            pages = page.locator("nav.pages")
            assert pages.count() in (0, 2) and (pages.count() == 0 or 'rel="prev"' in page.content())
            check_page(page, "Review app: the exceptions list, its last page", checked)
        page.goto(f"{url}/exception?{oak}&key={high['key']}")
        # The reviewer and the safeguarding lead are offered the actions (acting through the sample school).
        assert page.locator("form[action='/remediate']").count() == (
            role in ("reviewer", "safeguarding lead")
        )
        check_page(page, f"Review app: an exception's page, as the {role}", checked)
        if role == "DPO" or refused not in checked:
            page.goto(f"{url}/access-log?{oak}")
            check_page(page, "Review app: the access log, as the DPO" if role == "DPO" else refused, checked)

    context.clear_cookies()
    sign_in(page, url, ROLES["safeguarding lead"])
    page.goto(f"{url}/exception?{oak}&key={critical['key']}")
    page.get_by_label("Note: why").fill("Reported to the police liaison officer")
    page.get_by_role("button", name="Acknowledge").click()
    check_page(page, "Review app: a decision recorded, waiting for a second safeguarding lead", checked)
    page.get_by_label("Note: why").fill("Accepted while the police look into it")
    page.get_by_role("button", name="Accept until a date").click()  # no date given: refused, the reason shown
    assert page.get_by_role("alert").is_visible()
    check_page(page, "Review app: a decision refused, with the reason", checked)
    page.goto(f"{url}/exception?{oak}&key=no-such-exception")
    check_page(page, "Review app: an exception that does not exist or is not for this role", checked)
    page.goto(f"{url}/?school=elm")
    check_page(page, "Review app: a school with no audit yet", checked)

    context.clear_cookies()
    sign_in(page, url, STRANGER)
    check_page(page, "Review app: signed in without any role", checked)
    context.close()


def test_a_decision_is_recorded_with_the_keyboard_alone(
    browser: Any, audited: Audited, review_app: str
) -> None:
    """Sign in, find an exception in the list, open it, record a step done by hand, write the note and record the
    decision: Tab, typing, Space and Enter only, the focus visible at every stop."""
    url = review_app
    medium = first(exceptions(audited.out), severity=("medium",), status=("new", "open", "reopened"))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{url}/signin?next=/%3Fschool%3Doak")

    def tab_to(describe: str, matches: str, limit: int = 400) -> None:
        """Tab until the focused element passes `matches` (a JavaScript test of `e`, the focused element)."""
        for _ in range(limit):
            page.keyboard.press("Tab")
            here = page.evaluate(
                f"""() => {{ const e = document.activeElement; const s = getComputedStyle(e);
                   return {{ hit: Boolean({matches}),
                             outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 }} }}"""
            )
            if here["hit"]:
                assert here["outline"], f"no visible focus on {describe}"
                return
        raise AssertionError(f"{describe} cannot be reached with Tab")

    tab_to("the account name", "e.id === 'name'")
    page.keyboard.type(ROLES["reviewer"])
    tab_to("the password", "e.id === 'password'")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    if "school=oak" not in page.url:
        tab_to("Oak Primary", "e.href && e.href.includes('school=oak')")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    key = json.dumps(medium["key"])
    # The list is in pages, most urgent first: the medium one may be a page or two on, reached by its link.
    while medium["key"] not in page.content():
        tab_to("the next page", "e.rel === 'next'")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    tab_to(
        "the exception's review link",
        f"e.href && decodeURIComponent(e.href.replace(/\\+/g, ' ')).includes({key})",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # An action: the step done by hand, recorded (its confirmation ticked with the space bar).
    manual = "e.form && e.form.querySelector('input[name=action]')?.value === 'manual'"
    tab_to("the by-hand step's note", f"e.name === 'note' && {manual}")
    page.keyboard.type("Asked the member of staff to unfollow")
    tab_to("the by-hand step's confirmation", f"e.name === 'confirm' && {manual}")
    page.keyboard.press("Space")
    tab_to("Record it as done by hand", f"e.type === 'submit' && {manual}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "manual" in page.locator("table[aria-labelledby=actions]").inner_text()
    page.keyboard.press("Tab")  # from the top of the page again
    tab_to("the note", "e.id === 'note'")
    page.keyboard.type("Checked with the member of staff: a former colleague")
    tab_to("Mark a false positive", "e.value === 'false-positive'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("status").first.inner_text() == "Decision recorded."
    assert page.locator("#status").inner_text() == "false_positive"
    context.close()


# The focused element: what it is, its name and state, whether it is seen (inside the window and not covered by
# anything else, at the middle of its part in the window) and whether its outline is at least 2 px.
FOCUSED = """() => { const e = document.activeElement; const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    const x = (Math.max(r.left, 0) + Math.min(r.right, innerWidth)) / 2;
    const y = (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2;
    const inWindow = r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth
                     && r.top < innerHeight;
    const top = inWindow ? document.elementFromPoint(x, y) : null;
    return { what: e.tagName.toLowerCase() + ' ' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 40),
             label: e.getAttribute('aria-label'), expanded: e.getAttribute('aria-expanded'),
             inDrawer: Boolean(e.closest('.md-sidebar--primary')),
             seen: Boolean(top && (top === e || e.contains(top) || top.contains(e))),
             outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 } }"""


def focus_seen(page: Any) -> dict[str, Any]:
    """The focused element, failing unless it is seen with its outline (WCAG 2.4.7, 2.4.11) once what moves has
    moved (a drawer or panel slides in, a shade fades: a quarter of a second, but on a machine running two suites
    the browser has been seen to take more than 3 s to draw it). Judged only once nothing moves: mid-slide a link
    can be drawn on the screen and end off it."""
    page.wait_for_function(SETTLED)
    with contextlib.suppress(PlaywrightTimeout):  # said below, with what was focused
        page.wait_for_function(f"() => ({FOCUSED})().seen", timeout=15_000)
    here: dict[str, Any] = page.evaluate(FOCUSED)
    assert here["seen"] and here["outlined"], f"focus not seen on {here['what']!r}: {here}"
    return here


def tab_until(page: Any, wanted: str, limit: int = 60) -> dict[str, Any]:
    """Tab until the focused element's aria-label is `wanted`, the focus seen at every stop on the way (past the
    last stop the focus leaves the page for the browser's own controls, and comes back at the top)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            continue
        here = focus_seen(page)
        if here["label"] == wanted:
            return here
    raise AssertionError(f"{wanted!r} cannot be reached with Tab")


def test_every_page_of_the_docs_site_and_its_search(browser: Any, docs_site: Path, checked: set[str]) -> None:
    pages = sorted(p.relative_to(docs_site).as_posix() for p in docs_site.rglob("*.html"))
    assert len(pages) > 20 and "404.html" in pages
    with served_folder(docs_site) as url:
        check_pages(
            browser, {p: url + p for p in pages}, checked, listed_as="The documentation site (every page)"
        )

        context = checking_context(browser)
        page = context.new_page()
        page.goto(url + "index.html")
        tab_until(page, "Search")
        page.keyboard.type("erasure")
        page.locator(".md-search-result__item").first.wait_for()
        check_page(page, "The documentation site's search, with results", checked)
        tab_until(
            page, "Search"
        )  # the check moved the focus about: back to the query, its results shown again
        page.locator(".md-search-result__item").first.wait_for()
        page.keyboard.press("ArrowDown")  # into the results
        assert focus_seen(page)["what"].startswith("a ")
        page.keyboard.press("Shift+Tab")  # out of the search, which closes: its shade fades from the focus
        page.wait_for_function("() => !document.getElementById('__search').checked")
        focus_seen(page)

        # A result can show its section's code: the widest the site has, as a reader searching its title sees it.
        title = section_with_the_widest_code(docs_site)
        tab_until(page, "Search")
        page.keyboard.press("Control+A")  # the last query is still there
        page.keyboard.type(title)
        page.locator(".md-search-result pre > code").first.wait_for()
        check_page(page, "The documentation site's search, with results", checked)
        context.close()


def section_with_the_widest_code(site: Path) -> str:
    """The title, as a reader would type it, of the section of the built site whose code has the longest line."""
    index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    widest = max(
        (len(html.unescape(line)), html.unescape(re.sub(r"<[^>]+>", "", doc["title"])))
        for doc in index["docs"]
        for code in re.findall(r"<pre><code>(.*?)</code></pre>", doc["text"], re.S)
        for line in code.splitlines()
    )
    assert widest[0] > 120, f"no code in the docs site wider than a result: {widest}"
    return widest[1]


def test_the_docs_site_navigation_in_a_narrow_window_by_keyboard(
    browser: Any, docs_site: Path, checked: set[str]
) -> None:
    """At 320 px the navigation is a drawer: a named button opens it and the focus goes into it; a section opens as a
    panel and closes again by keyboard, the focus following; every stop is seen (never a link drawn off the screen or
    under the drawer's shade); Escape closes the drawer and gives the focus back."""
    name = "The documentation site's navigation in a narrow window, by keyboard"
    assert name in statement_pages()
    section = "Reference (kept true by tests)"

    def open_drawer() -> dict[str, Any]:
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.closest('.md-sidebar--primary')")
        return focus_seen(page)

    with served_folder(docs_site) as url:
        context = browser.new_context(viewport=NARROW)
        page = context.new_page()
        page.goto(url + "index.html")
        assert tab_until(page, "Navigation")["expanded"] == "false"
        assert open_drawer()["inDrawer"]
        tab_until(page, f"Open {section}")
        page.keyboard.press("Enter")  # the section's panel slides in, the focus on its way back
        page.wait_for_function(
            "name => document.activeElement.getAttribute('aria-label') === name", arg=f"Back from {section}"
        )
        # On at once, as a quick keyboard user goes, while the panel still slides in: Chromium scrolled the drawer
        # sideways to reach the link mid-slide, and once the panel was in, the link was drawn off the screen.
        page.keyboard.press("Tab")
        assert focus_seen(page)["what"] == "a The command line"
        page.keyboard.press("Shift+Tab")
        here = focus_seen(page)
        assert here["label"] == f"Back from {section}" and here["expanded"] == "true"
        page.keyboard.press("Enter")  # back: the focus returns to the section's button
        page.wait_for_function(
            "name => document.activeElement.getAttribute('aria-label') === name", arg=f"Open {section}"
        )
        here = focus_seen(page)
        assert here["label"] == f"Open {section}" and here["expanded"] == "false"
        page.keyboard.press("Escape")
        here = focus_seen(page)
        assert here["label"] == "Navigation" and here["expanded"] == "false"
        tab_until(page, "Search")  # the drawer's links, closed again, are not in the way

        # A page inside a section: its panel is on top when the drawer opens, and the focus goes there.
        page.goto(url + "contracts/cli.html")
        tab_until(page, "Navigation")
        assert open_drawer()["label"] == f"Back from {section}"
        # The open drawer under axe and the measured checks, last: they move the focus, which closes the drawer.
        page.wait_for_function(
            "() => getComputedStyle(document.activeElement.closest('.md-nav')).opacity === '1'"
        )
        problems, undecided = axe_problems(page)
        problems += page.evaluate(CHECKS_JS, {"contrastTargets": undecided})
        assert not problems, f"{name}:\n  " + "\n  ".join(problems)
        context.close()
    checked.add(name)


def test_the_statement_lists_exactly_the_pages_checked(checked: set[str]) -> None:
    listed = statement_pages()
    assert len(listed) == len(set(listed)), "a page is listed twice in docs/accessibility.md"
    assert set(listed) == checked, (
        f"listed, not checked: {sorted(set(listed) - checked)}; checked, not listed: {sorted(checked - set(listed))}"
    )
