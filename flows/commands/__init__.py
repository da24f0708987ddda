"""Sub-commands of `socialaudit`: every module here that declares a command becomes one, found at start-up.

A module declares `NAME`, `HELP` (its line in `socialaudit --help`), `SECTION` (one of `SECTIONS`: who uses it),
`run(args) -> int`, and its command line (flows/commands/parameters.py): `options()`, a list of click options and
arguments, or `subcommands()`, a `Subcommand` (its own help and options) by name, whose chosen name `run` reads as
`args.action`. `EPILOG` (text after the options in its help), `LEAVES_WITHOUT_TEARDOWN` and `DRAWS_ON_TERMINAL` (its output is
not escaped: flows/cli.py `terminal_safe`) are optional."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

# `socialaudit --help` lists the commands under these headings, in this order.
SECTIONS = (
    "Running the audit",
    "Before posting",
    "Reviewing and acting",
    "Data protection",
    "Setting up",
    "For developers",
)


def discover() -> dict[str, ModuleType]:
    """Command modules by name."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if not all(hasattr(module, attr) for attr in ("NAME", "HELP", "run")):
            continue
        if not (hasattr(module, "options") or hasattr(module, "subcommands")):
            continue
        if getattr(module, "SECTION", None) not in SECTIONS:
            raise ValueError(f"{module.__name__}: SECTION must be one of {SECTIONS}")
        found[module.NAME] = module
    return found
