"""What a test module's source calls, read from its syntax tree (for tests that hold modules to a rule)."""

from __future__ import annotations

import ast
from pathlib import Path


def called(node: ast.Call) -> str:
    """The name a call calls: `f` of `f(...)` and of `module.f(...)`; empty for anything else."""
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def names_called(path: Path) -> set[str]:
    """Every name the module at `path` calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {called(node) for node in ast.walk(tree) if isinstance(node, ast.Call)}
