"""The command reference in docs/contracts/cli.md, generated from the argument parser: each command's usage, help and
options. The page's own prose (the warehouse's naming, the exit statuses, what a command prints) is kept as written;
only the blocks between a command's markers are generated. `python -m flows.cli_reference` rewrites them,
`--check` fails when they are stale."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from flows.cli import build_parser
from flows.warehouse_location import DB_HELP

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "contracts" / "cli.md"
END = "<!-- end of generated -->"
BLOCK = re.compile(
    r"<!-- generated from the parser: (socialaudit [^>]+?) -->\n.*?" + re.escape(END), re.DOTALL
)


def commands(
    parser: argparse.ArgumentParser, path: str = "socialaudit"
) -> dict[str, argparse.ArgumentParser]:
    """Every command a person runs (a parser without sub-commands), by its full path."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(commands(sub, f"{path} {name}"))
    return found or {path: parser}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _usage(path: str, parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(prog=path, width=10_000)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups, prefix="")
    return formatter.format_help().strip().replace(" [-h]", "")


def _option(action: argparse.Action) -> str:
    if not action.option_strings:
        if action.choices and not action.metavar:
            return ", ".join(f"`{choice}`" for choice in action.choices)
        return f"`{action.metavar or action.dest.upper()}`"
    takes_value = action.nargs != 0
    metavar = action.metavar or action.dest.upper()
    if isinstance(metavar, tuple):
        metavar = " ".join(metavar)
    return ", ".join(f"`{name} {metavar}`" if takes_value else f"`{name}`" for name in action.option_strings)


def _meaning(path: str, action: argparse.Action) -> str:
    if action.help == DB_HELP:
        return "the warehouse ([how it is named](#the-warehouse))"
    formatter = argparse.HelpFormatter(prog=path)
    help_text = formatter._expand_help(action) if action.help else ""
    if action.required:
        help_text = f"required; {help_text}" if help_text else "required"
    return _cell(help_text)


def render_command(path: str, parser: argparse.ArgumentParser) -> str:
    lines = [f"### `{path}`", "", "```", _usage(path, parser), "```", "", _cell(parser.description or ""), ""]
    options = [a for a in parser._actions if not isinstance(a, argparse._HelpAction)]
    if options:
        lines += ["| option | meaning |", "| --- | --- |"]
        lines += [f"| {_option(action)} | {_meaning(path, action)} |" for action in options]
    else:
        lines.append("No options.")
    return "\n".join(lines) + "\n"


def update(text: str) -> str:
    """`text` with every command's generated block rewritten from the parser."""
    found = commands(build_parser()[0])
    missing = sorted(set(found) - set(block_names(text)))
    if missing:
        raise ValueError(f"{DOC_PATH.name} has no generated block for: {', '.join(missing)}")

    def rewrite(match: re.Match[str]) -> str:
        path = match.group(1)
        if path not in found:
            raise ValueError(f"{DOC_PATH.name} has a block for {path}, which is not a command")
        return f"<!-- generated from the parser: {path} -->\n{render_command(path, found[path])}{END}"

    return BLOCK.sub(rewrite, text)


def block_names(text: str) -> list[str]:
    return BLOCK.findall(text)


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
            print(f"{DOC_PATH} is stale: run python -m flows.cli_reference", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(text, encoding="utf-8")
    print(DOC_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
