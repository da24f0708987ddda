"""Text a terminal or a spreadsheet reads is made safe in one place (dashboards/safe_text.py): the cells themselves,
and a completeness check that every CSV the product writes passes its cells through there."""

from __future__ import annotations

import ast

from dashboards.safe_text import shown, spreadsheet_safe
from tests.builders.paths import REPO, product_sources

# A CSV whose every cell is the product's own text, never a person's.
OWN_TEXT_ONLY = {
    "flows.commands.init:_header_line": "a register template's header row, the product's own column names",
}


def test_a_cell_never_starts_a_formula_nor_drives_the_terminal() -> None:
    for lead in ("=", "+", "-", "@"):
        assert spreadsheet_safe(f'{lead}HYPERLINK("http://x")').startswith("'")
    assert spreadsheet_safe("\tcmd").startswith("'")
    assert spreadsheet_safe("a\x1b]0;owned\x07b") == "a\\x1b]0;owned\\x07b"
    assert spreadsheet_safe("two\nlines") == "two\nlines"  # kept inside a quoted cell
    assert shown("right\u202eto left") == "right\\u202eto left"
    assert spreadsheet_safe(None) == "" and spreadsheet_safe("Jo Bloggs") == "Jo Bloggs"


def _calls(node: ast.AST) -> set[str]:
    return {ast.unparse(c.func) for c in ast.walk(node) if isinstance(c, ast.Call)}


def _csv_writers() -> dict[str, bool]:
    """Each product function that makes a csv writer, and whether its cells go through spreadsheet_safe (itself,
    or a function of the same module that calls it)."""
    found = {}
    for path in product_sources():
        module = ".".join(path.relative_to(REPO).with_suffix("").parts)
        functions = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ]
        making_safe = {"spreadsheet_safe"} | {f.name for f in functions if "spreadsheet_safe" in _calls(f)}
        for function in functions:
            calls = _calls(function)
            if calls & {"csv.writer", "csv.DictWriter"}:
                found[f"{module}:{function.name}"] = bool(calls & making_safe)
    return found


def test_every_csv_the_product_writes_passes_its_cells_through_safe_text() -> None:
    writers = _csv_writers()
    assert writers, "the scan found no CSV writer: it no longer reads the product"
    assert [name for name, safe in writers.items() if not safe and name not in OWN_TEXT_ONLY] == []
    assert set(OWN_TEXT_ONLY) <= set(writers), "a listed writer is gone: take it off the list"
