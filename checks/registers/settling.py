"""The registers a run audits with: a held version replaced by the one in force, and the approved library
fingerprinted (only files never hashed before)."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import polars as pl

from checks.media_hash import fingerprint_library
from checks.registers.changes import RegisterHold, assess_changes
from checks.registers.contract import APPROVED_MEDIA_DIR
from checks.registers.loaded import Registers
from checks.registers.problems import in_reading_order
from checks.registers.staleness import History, stale_warnings
from warehouse.register_versions import RegistersInForce


def settle_registers(
    registers: Registers,
    in_force: RegistersInForce,
    accepted_holds: set[tuple[str, str]],
    hold_share: float,
    approved_hashes: dict[str, dict[str, Any]],
    registers_dir: Any,
    fingerprinted: dict[str, dict[str, Any]],
) -> tuple[Registers, list[RegisterHold], pl.DataFrame, dict[str, dict[str, Any]]]:
    """Hold back a register version that would close exceptions although nothing changed on the platforms;
    then fingerprint the approved library, except the files whose fingerprints this run computed already
    (`fingerprinted`, by sha256: the library's reading does). Raises checks.media_hash.UnreadableImage for a broken
    approved file."""
    holds = assess_changes(
        in_force.frames, registers.frames(), registers.files, in_force.files, hold_share, accepted_holds
    )
    if holds:
        files = {**registers.files, **{h.file: in_force.files[h.file] for h in holds}}
        kept: dict[str, Any] = {h.register: in_force.frames[h.register] for h in holds}
        registers = dataclasses.replace(registers, files=files, **kept)
    approved, fresh = fingerprint_library(
        registers.approved_media,
        registers.files,
        registers_dir / APPROVED_MEDIA_DIR,
        approved_hashes,
        APPROVED_MEDIA_DIR,
        fingerprinted,
    )
    return registers, holds, approved, fresh


def with_stale_warnings(
    registers: Registers, history: History, as_of: date, stale_after_weeks: int
) -> Registers:
    """The registers with a warning for each file unchanged `stale_after_weeks` or more (checks/registers/staleness.py)."""
    sources = {file: registers.source(file) for file in registers.files}
    stale = stale_warnings(registers.files, sources, history, as_of, stale_after_weeks)
    if not stale:
        return registers
    return dataclasses.replace(registers, warnings=in_reading_order([*registers.warnings, *stale]))


def register_notices(registers: Registers, holds: list[RegisterHold]) -> list[dict[str, Any]]:
    """What the report and `audit.register_notices` say of this week's registers: holds, then warnings."""
    return [
        *({"kind": "held", "file": h.file, "message": h.message()} for h in holds),
        *({"kind": "warning", **w.to_dict()} for w in registers.warnings),
    ]
