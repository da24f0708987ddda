"""The `socialaudit` command line; each sub-command is a module in flows/commands/."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import contextvars
import faulthandler
import logging
import os
import sys
import traceback
from collections.abc import Iterator
from types import ModuleType
from typing import Any, NamedTuple, NoReturn

import click

from dashboards.manifest import product_version
from dashboards.safe_text import TerminalSafe
from flows.commands import SECTIONS, discover
from flows.commands.common import EXIT_FAILED, EXIT_INTERRUPTED, no_telemetry
from flows.commands.parameters import GIVEN, Declared, OneOf, usage_piece

DESCRIPTION = "Audit a school's official social media accounts."
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 120}


class Invocation(NamedTuple):
    """What the command line asked for: the command's module and its values."""

    module: ModuleType
    args: argparse.Namespace


class Command(click.Command):
    """A command whose usage line names every option, with its sets of alternatives (`(--config ... | --sandbox
    ...)`), and which refuses two of a set, or none of a required one, as a usage error."""

    def __init__(self, name: str, declared: list[Declared], **attrs: Any) -> None:
        self.alternatives = [item for item in declared if isinstance(item, OneOf)]
        params = [p for item in declared for p in (item.options if isinstance(item, OneOf) else (item,))]
        super().__init__(name, params=params, **attrs)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces: list[str] = []
        for param in self.params:
            alternatives = next((a for a in self.alternatives if param in a.options), None)
            if alternatives is not None:
                if param is alternatives.options[0]:
                    pieces.append(alternatives.usage(ctx))
            elif isinstance(param, click.Argument):
                pieces.append(param.make_metavar(ctx))
            else:
                piece = usage_piece(param, ctx)
                pieces.append(piece if param.required else f"[{piece}]")
        return pieces

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """A command's EPILOG (its exit statuses) is laid out already: written as it is, not rewrapped."""
        if self.epilog:
            formatter.write_paragraph()
            formatter.write(self.epilog.rstrip("\n") + "\n")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if any(arg.startswith("-") and any(c.isspace() for c in arg) for arg in args):
            # A dash-led word with whitespace in it is a value, never an option (argparse's rule): a query whose
            # first line is an SQL comment ("-- why\nSELECT ...") reaches the command, which judges it.
            ctx.ignore_unknown_options = True
        rest = super().parse_args(ctx, args)
        if not ctx.resilient_parsing:  # shell completion parses half a command line
            for alternatives in self.alternatives:
                _settle(alternatives, ctx)
        return rest


def _settle(alternatives: OneOf, ctx: click.Context) -> None:
    given = [o for o in alternatives.options if ctx.get_parameter_source(o.name or "") in GIVEN]
    typed = [
        o for o in given if ctx.get_parameter_source(o.name or "") == click.core.ParameterSource.COMMANDLINE
    ]
    if typed:
        for environmental in set(given) - set(typed):
            ctx.params[environmental.name or ""] = False if getattr(environmental, "is_flag", False) else None
        given = typed
    names = [_named(o, ctx) for o in alternatives.options]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(_named(o, ctx) for o in given)} cannot be given together", ctx)
    if alternatives.required and not given:
        raise click.UsageError(f"give one of {', '.join(names[:-1])} or {names[-1]}", ctx)


def _named(param: click.Parameter, ctx: click.Context) -> str:
    """`--config`, `CHECK_ID`, or `--config ($SOCIALAUDIT_CONFIG)` when its variable gave it."""
    if isinstance(param, click.Argument):
        return usage_piece(param, ctx)
    name = max(param.opts, key=len)
    if ctx.get_parameter_source(param.name or "") == click.core.ParameterSource.ENVIRONMENT:
        return f"{name} (${param.envvar})"
    return name


class Program(click.Group):
    """`socialaudit`: its commands listed by who uses them, each with its whole help line."""

    def __init__(self, sections: dict[str, str], **attrs: Any) -> None:
        self.sections = sections
        super().__init__(**attrs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.commands, key=lambda name: (SECTIONS.index(self.sections[name]), name))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        for section in SECTIONS:
            rows = [(name, self.commands[name].help or "") for name in self.list_commands(ctx)]
            rows = [(name, text) for name, text in rows if self.sections[name] == section]
            if rows:
                with formatter.section(section):
                    formatter.write_dl(rows)


def _invocation(module: ModuleType, action: str | None = None) -> Any:
    def invoke(**values: Any) -> Invocation:
        ctx = click.get_current_context()
        args = argparse.Namespace(
            command=module.NAME,
            **{name: list(value) if isinstance(value, tuple) else value for name, value in values.items()},
            **ctx.find_root().params,
        )
        if action is not None:
            args.action = action
        return Invocation(module, args)

    return invoke


def _show_version(ctx: click.Context, _: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"socialaudit {product_version()}")
        ctx.exit()


def build_cli() -> click.Group:
    """The program: every module in flows/commands/ that declares a command (flows/commands/__init__.py)."""
    modules = discover()
    program = Program(
        {name: module.SECTION for name, module in modules.items()},
        name="socialaudit",
        help=DESCRIPTION,
        context_settings=CONTEXT,
        params=[
            click.Option(
                ["--version"],
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=_show_version,
                help="print the installed version (every manifest.json's product_version)",
            ),
            click.Option(
                ["--verbose"],
                is_flag=True,
                help="show the libraries' own log lines (Prefect, great-expectations)",
            ),
            click.Option(["--debug"], is_flag=True, help="on failure, show the traceback too"),
        ],
    )
    for name, module in modules.items():
        if hasattr(module, "subcommands"):
            group = click.Group(name, help=module.HELP)
            for action, sub in module.subcommands().items():
                group.add_command(
                    Command(
                        action,
                        sub.options,
                        help=sub.help,
                        short_help=sub.help,
                        callback=_invocation(module, action),
                    )
                )
            program.add_command(group)
        else:
            epilog = getattr(module, "EPILOG", None)
            program.add_command(
                Command(name, module.options(), help=module.HELP, epilog=epilog, callback=_invocation(module))
            )
    return program


def main(argv: list[str] | None = None, *, leaving: ExitWithoutTeardown | None = None) -> int:
    """Run one command; its exit status. `leaving`: the program's exit handler (see `console`)."""
    try:
        asked = build_cli().main(args=argv, prog_name="socialaudit", standalone_mode=False)
    except click.ClickException as error:  # a usage error (2), shown with the command's usage
        error.show()
        return error.exit_code
    except click.Abort:
        print("socialaudit: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if not isinstance(asked, Invocation):  # --help, --version
        return int(asked or 0)
    command, args = asked
    quiet_libraries(verbose=args.verbose or args.debug)
    # Whatever a command writes (the warehouse and its WAL, copies, outputs, exports) names children: owner-only.
    os.umask(0o077)
    with terminal_safe(not getattr(command, "DRAWS_ON_TERMINAL", False)):
        try:
            # In a context of its own: what a command puts in force for itself (the warehouse key) ends with it.
            status = int(contextvars.copy_context().run(command.run, args))
        except KeyboardInterrupt:
            print("socialaudit: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except Exception as error:
            message = " ".join(str(error).split()) or type(error).__name__
            if args.debug:
                traceback.print_exc()
            print(f"socialaudit: {args.command} failed: {message}", file=sys.stderr)
            return EXIT_FAILED
    if leaving is not None and getattr(command, "LEAVES_WITHOUT_TEARDOWN", False):
        leaving.status = status
    return status


@contextlib.contextmanager
def terminal_safe(escaping: bool) -> Iterator[None]:
    """While a command runs, what it prints passes through dashboards.safe_text.TerminalSafe: a follower's name,
    a register's name or a file's name never drives the terminal, whichever command prints it. A command that
    draws on the terminal itself (a live display, a progress line: `DRAWS_ON_TERMINAL`) prints as it is."""
    if not escaping:
        yield
        return
    before = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = TerminalSafe(sys.stdout), TerminalSafe(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        for wrapped in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                wrapped.flush()
        sys.stdout, sys.stderr = before


def quiet_libraries(*, verbose: bool) -> None:
    """Before Prefect is first imported: no telemetry, and unless `verbose`, the terminal shows our own lines only.
    Flow and task runs' lines, a failure's traceback among them, still reach Prefect's API log."""
    no_telemetry()
    if not verbose:
        from flows.prefect_server import TERMINAL_LOGGING

        os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(TERMINAL_LOGGING))
        # great-expectations sets this logger to INFO when imported, whatever the configuration said before.
        logging.getLogger("great_expectations.data_context.types.base").addFilter(
            lambda record: record.levelno >= logging.WARNING
        )


class ExitWithoutTeardown:
    """The program's last exit handler: once a command that allows it has returned, end the process without the
    interpreter's teardown.

    A weekly run imports ~4,600 modules (Prefect's server, great-expectations, scipy, pandas); freeing them one by
    one took ~2 s of a ~17 s run (benchmarks/run_cost.py), work with no effect once the process ends. Everything
    that has an effect has run by then, in Python's own order: other threads were waited for, then every other
    exit handler (Prefect's temporary server stopped, its logs and events sent, temporary files removed, logging
    flushed and closed). The commands that allow it close every warehouse connection before they return; after
    an error or an interrupt the process ends the ordinary way."""

    def __init__(self) -> None:
        self.status: int | None = None

    def __call__(self) -> None:
        if self.status is None:
            return
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(self.status)


def console() -> NoReturn:
    """The `socialaudit` program (pyproject's script, `python -m flows.cli`)."""
    # A crash in native code (DuckDB, Tesseract, OpenCV) then leaves every thread's Python stack on stderr, the
    # run's log: file and function names only. One trust run died once of heap corruption with nothing else said.
    faulthandler.enable()
    leaving = ExitWithoutTeardown()
    atexit.register(leaving)  # registered before any other, so run after all of them
    sys.exit(main(leaving=leaving))


if __name__ == "__main__":
    console()
