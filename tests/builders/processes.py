"""Processes by who started them, read from /proc (Linux): a test finds the processes a command left running."""

from __future__ import annotations

from pathlib import Path


def _children_by_parent() -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The fields after the command's closing parenthesis: state, then the parent's pid.
            parent = int(stat.read_text().rpartition(")")[2].split()[1])
        except OSError:  # ended while we looked
            continue
        found.setdefault(parent, []).append(int(stat.parent.name))
    return found


def children(pid: int) -> list[int]:
    """The living processes `pid` started itself."""
    return _children_by_parent().get(pid, [])


def descendants(pid: int) -> list[int]:
    """Every living process started by `pid`, its children's children included, whatever session each is in."""
    by_parent = _children_by_parent()
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found
