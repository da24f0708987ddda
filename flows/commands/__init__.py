"""Sub-commands of `socialaudit`: every module here with `register` and `run` becomes one, found at start-up."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from types import ModuleType


def discover() -> dict[str, ModuleType]:
    """Command modules by name; a module declares `NAME`, `HELP`, `register(parser)` and `run(args) -> int`."""
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if all(hasattr(module, attr) for attr in ("NAME", "HELP", "register", "run")):
            found[module.NAME] = module
    return found


def add_all(subparsers: argparse._SubParsersAction) -> dict[str, ModuleType]:  # type: ignore[type-arg]
    modules = discover()
    for name, module in modules.items():
        module.register(subparsers.add_parser(name, help=module.HELP, description=module.HELP))
    return modules
