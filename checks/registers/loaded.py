"""The registers as a run holds them once loaded: four typed frames and what was read to make them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from checks.registers.contract import REGISTER_SPECS
from checks.registers.problems import RegisterWarning


@dataclass(frozen=True)
class Registers:
    """The four registers as typed polars frames, and what was read to make them.

    - `files`: each CSV name (`pupils.csv`, ...) and each approved image (`approved_media/<name>`) to the
      sha256 of its bytes, so a run records exactly which register versions it audited against.
    - `reading`: per CSV name, how it was read (JSON-ready): `encoding` (utf-8 | utf-8-sig | cp1252),
      `delimiter`, `line_endings` (crlf | lf | cr), `date_forms` (e.g. ["DD/MM/YYYY"]), `mapping`
      (export header -> contract column, only where they differ), `extra_columns` (ignored) and
      `absent_columns` (optional columns the export left out, read as empty).
    - `warnings`: doubtful but usable entries, in file then line order.
    - `lines`: per register name (`pupils`, ...), the spreadsheet line of each frame row, so a row
      position (e.g. a great-expectations `unexpected_rows` entry) can be shown as a line.
    """

    pupils: pl.DataFrame
    staff: pl.DataFrame
    parents: pl.DataFrame
    approved_media: pl.DataFrame
    files: dict[str, str]
    reading: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[RegisterWarning] = field(default_factory=list)
    lines: dict[str, list[int]] = field(default_factory=dict)

    def frames(self) -> dict[str, pl.DataFrame]:
        return {name: getattr(self, name) for name in REGISTER_SPECS}

    def source(self, file: str) -> str:
        """The register `file` (`pupils.csv`) as it was named in registers/ (`pupils.xlsx` when saved so)."""
        return str(self.reading.get(file, {}).get("source", file))
