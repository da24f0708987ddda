"""WCAG 2.2 A and AA checks on a page open in Chromium: axe-core's rules, then what axe leaves undecided measured
here (tests/browser/accessibility_checks.js), then reflow at 320 CSS px. docs/accessibility.md lists the pages the
tests check; `check_page` refuses a page the statement does not name, so the statement and the tests agree.

Any page can be checked: `check_pages(browser, {"name": url, ...}, checked)` for pages that need no sign-in (a file
on disk, a built docs site's pages; `listed_as` checks many pages as one entry of the statement).

Nearly all the time of a check is Chromium's, running axe (its colour contrast rule above all), not waiting. A page
opened in a `checking_context` has axe loaded with the page itself: the 0.6 MB script is sent to the browser once
for the context, where a page in any other context is sent it at each check."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
STATEMENT = ROOT / "docs" / "accessibility.md"
CHECKS_JS = (Path(__file__).with_name("accessibility_checks.js")).read_text("utf-8")
# axe-core's tags for the success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A phone, or a laptop at 400% zoom (WCAG 1.4.10 reflow).
NARROW = {"width": 320, "height": 640}
WIDE = {"width": 1280, "height": 800}
# Rules axe marks experimental run only when named; these check WCAG criteria (2.5.3 label in name).
EXPERIMENTAL_WCAG_RULES = ("label-content-name-mismatch",)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_TAGS},
    "rules": {rule: {"enabled": True} for rule in EXPERIMENTAL_WCAG_RULES},
    "resultTypes": ["violations", "incomplete"],
}
# axe-core as the binding bundles it.
AXE_JS = Axe().axe_script
# Runs axe on the page, answering only what is read here (none of its passes); null where axe is not loaded.
RUN_AXE = """options => typeof axe === 'undefined' ? null
    : axe.run(document, options).then(r => ({violations: r.violations, incomplete: r.incomplete}))"""
# True once nothing on the page is moving (a panel sliding in, search results fading in): mid-way, its text is
# drawn faint, and axe would measure that. An animation without end is not waited for.
SETTLED = """() => document.getAnimations().every(
    a => a.playState !== 'running' || !a.effect || a.effect.getComputedTiming().endTime === Infinity)"""
# Whether the page scrolls sideways, and only when it does, the first three elements that stick out.
WIDTHS_JS = """() => { const root = document.documentElement;
    const widths = [root.scrollWidth, root.clientWidth];
    if (widths[0] <= widths[1]) return [widths, []];
    return [widths, [...document.body.querySelectorAll('*')]
        .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
        .filter(e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
            if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return false; } return true; })
        .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                             + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))] }"""


def checking_context(browser: Any, **options: Any) -> Any:
    """A new browser context (at WIDE unless told) whose every page loads axe with its own document, before the
    page's own scripts."""
    context = browser.new_context(**{"viewport": WIDE, **options})
    context.add_init_script(script=AXE_JS)
    return context


@functools.cache
def statement_pages() -> tuple[str, ...]:
    """The pages docs/accessibility.md says the tests check: the bullets under its "Pages checked" heading (read
    once: every check asks)."""
    text = STATEMENT.read_text("utf-8")
    found = re.search(r"^## Pages checked\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found, f"{STATEMENT} has no '## Pages checked' section"
    return tuple(m.group(1).strip() for m in re.finditer(r"^- (.+)$", found.group(1), re.M))


def axe_problems(page: Any) -> tuple[list[str], list[str]]:
    """axe's violations as lines, and the selectors of the text whose contrast axe could not decide, once nothing
    on the page moves."""
    page.wait_for_function(SETTLED)
    results = page.evaluate(RUN_AXE, AXE_OPTIONS)
    if results is None:  # a page outside a checking_context
        page.evaluate(AXE_JS)
        results = page.evaluate(RUN_AXE, AXE_OPTIONS)
    problems = [
        f"axe {v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:5])
        + (f" and {len(v['nodes']) - 5} more" if len(v["nodes"]) > 5 else "")
        for v in results["violations"]
    ]
    undecided = [
        " ".join(map(str, node["target"]))
        for result in results["incomplete"]
        if result["id"] == "color-contrast"
        for node in result["nodes"]
    ]
    return problems, undecided


def reflow_problem(page: Any) -> str | None:
    """Whether the page scrolls sideways at 320 CSS px (a wide table may scroll inside its own box)."""
    page.set_viewport_size(NARROW)
    try:
        widths, wide = page.evaluate(WIDTHS_JS)
    finally:
        page.set_viewport_size(WIDE)
    if widths[0] > widths[1]:
        return (
            f"scrolls sideways at 320 px: {widths[0]} px wide in a {widths[1]} px window ({', '.join(wide)})"
        )
    return None


def problems_on(page: Any) -> list[str]:
    """Everything found wrong on the page as it is now."""
    if page.viewport_size != WIDE:
        page.set_viewport_size(WIDE)
    problems, undecided = axe_problems(page)
    problems += page.evaluate(CHECKS_JS, {"contrastTargets": undecided})
    reflow = reflow_problem(page)
    return problems + ([reflow] if reflow else [])


def check_page(page: Any, name: str, checked: set[str] | None = None) -> None:
    """Fail with every problem found on the open page, named as docs/accessibility.md names it."""
    assert name in statement_pages(), f"{name!r} is checked but not listed in {STATEMENT.name}"
    problems = problems_on(page)
    assert not problems, f"{name} ({page.url}):\n  " + "\n  ".join(problems)
    if checked is not None:
        checked.add(name)


def check_pages(
    browser: Any, pages: Mapping[str, str], checked: set[str] | None = None, listed_as: str | None = None
) -> None:
    """Open each page (name -> URL) in turn, in one page of a fresh checking context, and check it. With
    `listed_as`, the pages are checked as one entry of the statement (a site of many pages: "The documentation site
    (every page)"); each failure still names its page."""
    context = checking_context(browser)
    try:
        page = context.new_page()
        for name, url in pages.items():
            page.goto(url)
            if listed_as is None:
                check_page(page, name, checked)
                continue
            assert listed_as in statement_pages(), f"{listed_as!r} is not listed in {STATEMENT.name}"
            problems = problems_on(page)
            assert not problems, f"{listed_as}: {name} ({url}):\n  " + "\n  ".join(problems)
        if listed_as is not None and checked is not None and pages:
            checked.add(listed_as)
    finally:
        context.close()
