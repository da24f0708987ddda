"""What a command module declares its command line with (click): its options and arguments, the sets of options of
which one at most is given, its sub-commands, and the value types the commands share. flows/cli.py builds the
program from these; a command's `run` gets the values as an `argparse.Namespace`, one attribute per parameter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from flows.warehouse_location import DB_HELP

# Where a value came from: given on the command line or by its environment variable (not a default).
CONFIG_ENV = "SOCIALAUDIT_CONFIG"
TRUST_ENV = "SOCIALAUDIT_TRUST"
GIVEN = (click.core.ParameterSource.COMMANDLINE, click.core.ParameterSource.ENVIRONMENT)


@dataclass(frozen=True)
class OneOf:
    """Options of which at most one is given, and exactly one when `required`. A value an environment variable
    gives yields to another of the set given on the command line (`--sandbox` with $SOCIALAUDIT_CONFIG set)."""

    options: tuple[click.Parameter, ...]
    required: bool = False

    def usage(self, ctx: click.Context) -> str:
        text = " | ".join(usage_piece(option, ctx) for option in self.options)
        return f"({text})" if self.required else f"[{text}]"


Declared = click.Parameter | OneOf


@dataclass(frozen=True)
class Subcommand:
    """One sub-command of a command (`socialaudit reviewers add`): its own help and options."""

    help: str
    options: list[Declared]


def one_of(*options: click.Parameter, required: bool = False) -> OneOf:
    return OneOf(tuple(options), required)


def option(*decls: str, **attrs: Any) -> click.Option:
    """A click option; one read from an environment variable says so in the help (its name, never its value)."""
    if attrs.get("envvar"):
        attrs.setdefault("show_envvar", True)
    if not isinstance(attrs.get("type"), click.Choice | IsoDate) and "flag_value" not in attrs:
        # `--note NOTE`, `--out OUT` rather than click's `TEXT`, `PATH`
        named = next((d for d in decls if not d.startswith("-")), max(decls, key=len).lstrip("-"))
        attrs.setdefault("metavar", named.replace("-", "_").upper())
    return click.Option(list(decls), **attrs)


def flag(*decls: str, help: str) -> click.Option:
    return click.Option(list(decls), is_flag=True, default=False, help=help)


def argument(decl: str, **attrs: Any) -> click.Argument:
    return click.Argument([decl], **attrs)


def usage_piece(option: click.Parameter, ctx: click.Context) -> str:
    """`--out OUT`, `--yes`, `ARCHIVE.zip` as the usage line names it."""
    if isinstance(option, click.Argument):
        return option.metavar or (option.name or "").upper()
    assert isinstance(option, click.Option)
    name = max(option.opts, key=len)
    if option.is_flag or option.count:
        return name
    if isinstance(option.type, click.Choice):
        return f"{name} {{{','.join(str(choice) for choice in option.type.choices)}}}"
    return f"{name} {option.make_metavar(ctx)}"


class IsoDate(click.ParamType):
    name = "date"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)


ISO_DATE = IsoDate()
# A path, completed by the shell as a file name; whether it exists is the command's to say, in its own words.
PATH = click.Path(path_type=Path)


def confirmation(what: str) -> list[Declared]:
    """--yes and --dry-run for a command that cannot be undone and shows what it will do first."""
    return [
        flag("--yes", help=f"{what} without asking (for scripts)"),
        flag("--dry-run", help="show what it would do, and change nothing"),
    ]


def db_option() -> click.Option:
    """The `--db` option every command shares (flows/warehouse_location.py reads it, then $SOCIALAUDIT_DB)."""
    return option("--db", type=PATH, default=None, metavar="PATH", help=DB_HELP)


def wait_option() -> click.Option:
    """`--wait SECONDS`: how long a command's short write waits while the weekly run holds the warehouse."""
    return option(
        "--wait",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="how long to wait while the weekly run holds the warehouse (default 120)",
    )


def config_option(help: str = "school.toml", **attrs: Any) -> click.Option:
    """`--config SCHOOL_TOML`, also from $SOCIALAUDIT_CONFIG: the school's set-up, named once for a shell."""
    return option("--config", type=PATH, metavar="SCHOOL_TOML", envvar=CONFIG_ENV, help=help, **attrs)


def sandbox_option(help: str = "a sandbox dataset directory") -> click.Option:
    return option("--sandbox", type=PATH, metavar="DIR", help=help)


def trust_option(help: str = "the trust's trust.toml", **attrs: Any) -> click.Option:
    """`--trust TRUST_TOML`, also from $SOCIALAUDIT_TRUST."""
    return option("--trust", type=PATH, metavar="TRUST_TOML", envvar=TRUST_ENV, help=help, **attrs)


BY_HELP = "who it is, by name (recorded beside the operating-system user, who is the one accountable; default: that user)"


def by_option(help: str = BY_HELP) -> click.Option:
    """`--by NAME`: one meaning everywhere, so the command reference describes it once."""
    return option("--by", metavar="NAME", help=help)
