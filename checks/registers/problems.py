"""What a register load reports: problems that refuse it, warnings that do not (docs/contracts/registers.md).

A `line` is the row number a spreadsheet shows when the CSV is opened in it: the header is line 1, a blank
line is a row of its own, and a quoted cell spanning several lines is one row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, TypeVar

from checks.registers.contract import REGISTER_FILE_ORDER


def _place(file: str, line: int | None, column: str | None) -> str:
    where = file
    if line is not None:
        where += f" line {line}"
    if column:
        where += f" column {column}"
    return where


class _Placed(Protocol):
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int | None: ...


Placed = TypeVar("Placed", bound=_Placed)


def in_reading_order(items: Iterable[Placed]) -> list[Placed]:
    """Registers in contract order, then by line; file-wide notes (no line) first. Stable within a line."""
    return sorted(items, key=lambda item: (REGISTER_FILE_ORDER.get(item.file, -1), item.line or 0))


@dataclass(frozen=True)
class RegisterProblem:
    """One thing a person has to fix before the registers load; `column` is the header as written."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    message: str
    expected: str | None = None

    def describe(self) -> str:
        text = f"{self.value!r} {self.message}" if self.value else self.message
        return f"{text} (expected {self.expected})" if self.expected else text

    def __str__(self) -> str:
        return f"{_place(self.file, self.line, self.column)}: {self.describe()}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RegisterWarning:
    """Something doubtful that still loads; `message` names the row by its register id, never by name."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return f"{_place(self.file, self.line, self.column)}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegisterError(Exception):
    """A register the pipeline refuses, with the place a person has to fix."""

    def __init__(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.problems: list[RegisterProblem] = [RegisterProblem(file, line, column, None, message)]
        super().__init__(file, line, column, message)

    def __str__(self) -> str:
        return f"{_place(self.file, self.line, self.column)}: {self.message}"


class RegistersRefused(RegisterError):
    """Every problem found across the four registers; nothing was loaded.

    `file`, `line`, `column` and `message` describe the first problem, for code written against
    RegisterError; `problems` holds them all, in file then line order.
    """

    def __init__(self, problems: Sequence[RegisterProblem]) -> None:
        if not problems:
            raise ValueError("RegistersRefused needs at least one problem")
        ordered = in_reading_order(problems)
        first = ordered[0]
        super().__init__(first.file, first.line, first.column, first.describe())
        self.problems = ordered

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions pickle through their args, and these args are not this constructor's.
        return (type(self), (self.problems,))

    def __str__(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        return f"{count} {noun} in the registers: " + "; ".join(str(problem) for problem in self.problems)

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]


@dataclass
class RegisterNotes:
    """Problems and warnings gathered while reading, so one refusal can list them all."""

    problems: list[RegisterProblem] = field(default_factory=list)
    warnings: list[RegisterWarning] = field(default_factory=list)

    def refuse(
        self,
        file: str,
        line: int | None,
        column: str | None,
        value: str | None,
        message: str,
        expected: str | None = None,
    ) -> None:
        self.problems.append(RegisterProblem(file, line, column, value, message, expected))

    def warn(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.warnings.append(RegisterWarning(file, line, column, message))
