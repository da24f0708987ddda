"""WCAG 2.2 A and AA checks on a page open in Chromium: axe-core's rules, then what axe leaves undecided measured
here (tests/browser/accessibility_checks.js), then reflow at 320 CSS px. docs/accessibility.md lists the pages the
tests check; `check_page` refuses a page the statement does not name, so the statement and the tests agree.

Any page can be checked: `check_pages(browser, {"name": url, ...}, checked)` for pages that need no sign-in (a file
on disk, a built docs site's pages; `listed_as` checks many pages as one entry of the statement)."""

from __future__ import annotations

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

_axe = Axe()


def statement_pages() -> list[str]:
    """The pages docs/accessibility.md says the tests check: the bullets under its "Pages checked" heading."""
    text = STATEMENT.read_text("utf-8")
    found = re.search(r"^## Pages checked\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found, f"{STATEMENT} has no '## Pages checked' section"
    return [m.group(1).strip() for m in re.finditer(r"^- (.+)$", found.group(1), re.M)]


def axe_problems(page: Any) -> tuple[list[str], list[str]]:
    """axe's violations as lines, and the selectors of the text whose contrast axe could not decide."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "rules": {rule: {"enabled": True} for rule in EXPERIMENTAL_WCAG_RULES},
        "resultTypes": ["violations", "incomplete"],
    }
    results = _axe.run(page, options=options).response
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
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        wide = page.evaluate(
            """() => [...document.body.querySelectorAll('*')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .filter(e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
                    if (['auto', 'scroll'].includes(getComputedStyle(a).overflowX)) return false; } return true; })
                .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                     + (e.className && e.className.baseVal === undefined ? '.' + e.className : ''))"""
        )
    finally:
        page.set_viewport_size(WIDE)
    if widths[0] > widths[1]:
        return (
            f"scrolls sideways at 320 px: {widths[0]} px wide in a {widths[1]} px window ({', '.join(wide)})"
        )
    return None


def problems_on(page: Any) -> list[str]:
    """Everything found wrong on the page as it is now."""
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
    """Open each page (name -> URL) in a fresh context and check it. With `listed_as`, the pages are checked as
    one entry of the statement (a site of many pages: "The documentation site (every page)"); each failure still
    names its page."""
    context = browser.new_context(viewport=WIDE)
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
