"""The accessibility checks themselves find what they are there to find: a page made to break each rule fails."""

from __future__ import annotations

from typing import Any

from tests.browser.accessibility import problems_on

BROKEN = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Broken on purpose</title>
<style>
  a:focus, button:focus { outline: none; }
  .sev-medium { background: #ffd166; }
  .faint { color: #aaa; }
</style></head><body><main>
<h1>Broken on purpose</h1>
<p><a href="#one" aria-label="Open the record">Review, history</a></p>
<table style="width: 900px"><tr><th scope="col">Severity</th><th scope="col">Flag</th></tr>
  <tr><td class="sev-medium">medium</td><td class="sev-high" style="background:#b3261e"></td></tr></table>
<figure><figcaption>Findings per week</figcaption>
  <svg role="img" aria-label="Findings per week" width="100" height="50">
    <rect x="0" y="0" width="40" height="50" fill="#E69F00"/></svg></figure>
<p style="background-image: linear-gradient(#fff, #eee)"><span class="faint">Faint text over a gradient</span></p>
<button type="button">Do it</button>
</main></body></html>"""


def test_a_page_breaking_each_rule_fails_each_check(browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_content(BROKEN)
    problems = "\n".join(problems_on(page))
    context.close()
    expected = {
        "label in name (WCAG 2.5.3)": "axe label-content-name-mismatch",
        "reflow at 320 px": "scrolls sideways at 320 px",
        "severity by colour alone": "severity shown by colour only",
        "badge against the page": "badge contrast",
        "a chart part too light": "chart part contrast",
        "a chart without its figures": "chart without its figures",
        "focus not visible": "focus not visible",
        "text whose contrast axe leaves undecided": "text over an image or gradient",
    }
    missed = [what for what, found in expected.items() if found not in problems]
    assert not missed, f"not found: {missed}\n{problems}"


def test_a_page_that_keeps_the_rules_passes(browser: Any) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.set_content(
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Fine</title>'
        "<style>:focus { outline: 3px solid #1b1b1b; }</style></head><body><main><h1>Fine</h1>"
        '<p><a href="#one">Review and history</a></p></main></body></html>'
    )
    assert problems_on(page) == []
    context.close()
