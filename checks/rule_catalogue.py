"""The rule catalogue in docs/contracts/rules.md, generated from the registry: each rule's module docstring after its
summary line (the clause it enforces and exactly what counts as an exception, with its severities), its school.toml
options and the published text it reads. `python -m checks.rule_catalogue` rewrites the generated part, `--check`
fails when it is stale; the page's own prose (what a rule id promises, the clauses quoted) is kept as written."""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

from checks.rules import RULES
from warehouse.markdown_text import markdown_text

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "contracts" / "rules.md"
START = "<!-- generated from the registry (python -m checks.rule_catalogue) -->"
END = "<!-- end of generated -->"


def _paragraphs(docstring: str) -> list[str]:
    return [markdown_text(block) for block in inspect.cleandoc(docstring).split("\n\n") if block.strip()]


def render() -> str:
    """Each rule once: its general basis (one word for word another rule's already has is named by that rule), its
    clause and what counts, then only the options and the published text it has (a rule with neither says nothing
    more; its module is `checks/rules/<id>.py`, and the clauses a "Policy:" names are quoted in the page's table,
    both said once above). The docstring's summary line is left out: the heading's title and the body say it."""
    blocks = [START]
    basis_of: dict[str, str] = {}
    for rule in RULES:
        module = sys.modules[rule.find.__module__]
        _, *body = _paragraphs(module.__doc__ or "")
        first = basis_of.setdefault(rule.general_basis, rule.id)
        basis = rule.general_basis if first == rule.id else f"as `{first}`"
        blocks += [f"### `{rule.id}`: {rule.title}", f"General basis: {basis}.", *body]
        said = []
        if rule.options:
            said.append("Options: " + ", ".join(f"`{key}`" for key in rule.options) + ".")
        if rule.reads_text:
            said.append("Reads: " + ", ".join(f"`{field}`" for field in sorted(rule.reads_text)) + ".")
        if rule.find.__module__ != f"checks.rules.{rule.id.replace('-', '_')}":
            said.append(f"Module: `{rule.find.__module__}`.")
        blocks += [" ".join(said)] if said else []
    return "\n\n".join(blocks) + "\n" + END


def update(text: str) -> str:
    before, found, rest = text.partition(START)
    if not found or END not in rest:
        raise ValueError(f"{DOC_PATH.name} has no generated part ({START} ... {END})")
    return before + render() + rest.split(END, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the page is stale instead of writing it"
    )
    args = parser.parse_args(argv)
    current = DOC_PATH.read_text(encoding="utf-8")
    text = update(current)
    if args.check:
        if current != text:
            print(f"{DOC_PATH} is stale: run python -m checks.rule_catalogue", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(DOC_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
