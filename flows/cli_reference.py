"""The command reference in docs/contracts/cli.md, generated from the command line (flows/cli.py): each command's usage, help and
options. An option that several commands take with the same meaning is described once, in the common options list
under the program's own options; a command's usage line names it. Whether an option is required is the usage line's
to say (no brackets), not said again beside it (an argument's is). The page's own prose (the warehouse's naming, the exit statuses, what a
command prints) is kept as written; only each command's block, from its heading to the end marker, is generated.
`python -m flows.cli_reference` rewrites them, `--check` fails when they are stale."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import click

from flows.cli import build_cli
from flows.warehouse_location import DB_HELP
from warehouse.markdown_text import markdown_text

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "contracts" / "cli.md"
END = "<!-- end -->"
BLOCK = re.compile(r"^### `(socialaudit(?: [^`]+)?)`\n.*?" + re.escape(END), re.DOTALL | re.MULTILINE)
PROGRAM = "socialaudit"
# An option (its names and meaning) that at least this many commands take is a common option: one meaning per name,
# so that the name in a usage line says which.
COMMON_AT = 2
COMMON_HEADING = "Common options"


def commands(command: click.Command, path: str = PROGRAM) -> dict[str, click.Command]:
    """Every command a person runs (one without sub-commands), by its full path."""
    if not isinstance(command, click.Group):
        return {path: command}
    found: dict[str, click.Command] = {}
    for name, sub in command.commands.items():
        found.update(commands(sub, f"{path} {name}"))
    return found


def documented() -> dict[str, click.Command]:
    """The program itself (its global options) and every command, by path."""
    program = build_cli()
    return {PROGRAM: program, **commands(program)}


def _cell(text: str) -> str:
    return markdown_text(text)


def _context(path: str, command: click.Command) -> click.Context:
    return click.Context(command, info_name=path)


def _usage(path: str, command: click.Command) -> str:
    ctx = _context(path, command)
    if isinstance(command, click.Group):
        return f"{path} [--version] [--verbose] [--debug] COMMAND ..."
    return " ".join([path, *command.collect_usage_pieces(ctx)])


def option_names(param: click.Parameter, ctx: click.Context) -> list[str]:
    """How the reference names a parameter: each of an option's names with its value, or an argument's name."""
    if isinstance(param, click.Argument):
        return [param.metavar or (param.name or "").upper()]
    assert isinstance(param, click.Option)
    if param.is_flag:
        value = ""
    elif isinstance(param.type, click.Choice):  # the choices are listed in its meaning
        value = f" {param.metavar or (param.name or '').upper()}"
    else:
        value = f" {param.make_metavar(ctx)}"
    return [f"{name}{value}" for name in param.opts]


def _meaning(param: click.Parameter) -> str:
    if getattr(param, "help", None) == DB_HELP:
        return "the warehouse ([how it is named](#the-warehouse))"
    parts = [str(getattr(param, "help", "") or "")]
    if param.required and isinstance(param, click.Argument):  # an option's usage line says it
        parts.insert(0, "required")
    return _cell("; ".join(part for part in parts if part))


def _option_row(param: click.Parameter, ctx: click.Context) -> tuple[str, str]:
    """An option's names (its value and choices are in the usage line above) and its meaning."""
    return ", ".join(f"`{name.split(' ')[0]}`" for name in option_names(param, ctx)), _meaning(param)


def option_line(names: str, meaning: str) -> str:
    """One option of the reference: its names, then its meaning."""
    return f"- {names}: {meaning}"


def options_listed(text: str) -> list[str]:
    """The option names of the option lines in `text` (a command's section of the page, up to the end of its
    generated block), as option_line writes them."""
    return [
        name
        for line in text.split(END)[0].splitlines()
        if line.startswith("- `")
        for name in re.findall(r"`([^`]+)`", line.split(": ", 1)[0])
    ]


def common_options(program: click.Group) -> list[tuple[str, str]]:
    """The option rows (not arguments) that at least COMMON_AT commands share, the most shared meaning of a name
    only, in the order first met."""
    counts: dict[tuple[str, str], int] = {}
    for path, command in commands(program).items():
        ctx = _context(path, command)
        for param in command.params:
            if isinstance(param, click.Option):
                row = _option_row(param, ctx)
                counts[row] = counts.get(row, 0) + 1
    best: dict[str, tuple[str, str]] = {}
    for row, count in counts.items():
        if count >= COMMON_AT and (row[0] not in best or count > counts[best[row[0]]]):
            best[row[0]] = row
    return [row for row in counts if best.get(row[0]) == row]


def render_command(path: str, command: click.Command, common: list[tuple[str, str]]) -> str:
    ctx = _context(path, command)
    lines = [f"### `{path}`", "", "```", _usage(path, command), "```", "", _cell(command.help or ""), ""]
    rows = [_option_row(param, ctx) for param in command.params]
    own = [row for row in rows if row not in common]
    if own:
        lines += [option_line(names, meaning) for names, meaning in own]
    else:
        lines.append("No options of its own.")
    if isinstance(command, click.Group):
        lines += ["", _from_environment(command), "", f"#### {COMMON_HEADING}", "", COMMON_NOTE, ""]
        lines += [option_line(names, meaning) for names, meaning in common]
    return "\n".join(lines) + "\n"


COMMON_NOTE = (
    "Described once here; a command takes those its usage line names. In a usage line, an option without brackets is "
    "required."
)


def _from_environment(program: click.Group) -> str:
    """The options any command takes from an environment variable when the command line does not give them."""
    found: dict[str, str] = {}
    for command in commands(program).values():
        for param in command.params:
            if isinstance(param, click.Option) and isinstance(param.envvar, str):
                found[max(param.opts, key=len)] = param.envvar
    named = ", ".join(f"`{option}` is `${variable}`" for option, variable in sorted(found.items()))
    return f"When not given (nor an alternative, e.g. `--sandbox`): {named}."


def update(text: str) -> str:
    """`text` with every command's generated block rewritten from the parser."""
    found = documented()
    common = common_options(build_cli())
    missing = sorted(set(found) - set(block_names(text)))
    if missing:
        raise ValueError(f"{DOC_PATH.name} has no generated block for: {', '.join(missing)}")

    def rewrite(match: re.Match[str]) -> str:
        path = match.group(1)
        if path not in found:
            raise ValueError(f"{DOC_PATH.name} has a block for {path}, which is not a command")
        return f"{render_command(path, found[path], common)}{END}"

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
