"""Whether a new register version can be trusted to replace the one in force (docs/contracts/registers.md).

An export cut to a few year groups, or saved in the wrong encoding, looks to the rules exactly like pupils
leaving the school: every exception about the missing pupils would be "resolved" although nothing changed on
the platforms. Such a version is held: the run keeps the version in force for that register and says so at
the top of the report, until a person confirms the change (`socialaudit registers accept`).

Reasons name counts, year groups and register ids, never a person's name: they are stored and shown widely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

# Which id column, which name columns, and which rows count as "still here" in each register a hold guards.
# approved_media is not guarded: withdrawing approvals is ordinary, and only raises findings.
GUARDED = {
    "pupils": ("pupils.csv", "pupil_id", ("forename", "surname", "preferred_name")),
    "staff": ("staff.csv", "staff_id", ("forename", "surname", "preferred_name")),
    "parents": ("parents.csv", "parent_id", ("forename", "surname")),
}
# Fewer missing people than this is ordinary churn in any school, whatever the share.
MIN_MISSING = 3
# A year group this size vanishing at once is an export filter, not a class leaving unmarked.
MIN_YEAR_GROUP = 3
# `?` never belongs in a name; U+FFFD is what a decoder leaves for bytes it could not read.
MANGLED = "?\ufffd"
EXAMPLES = 5


@dataclass(frozen=True)
class RegisterHold:
    """A register version the run did not use, and why (counts and ids only)."""

    register: str
    file: str
    file_sha256: str
    reasons: tuple[str, ...]

    def message(self) -> str:
        return (
            f"{self.file} held: {' '.join(self.reasons)} Last week's version is used until a person confirms "
            f"the change with `socialaudit registers accept --register {self.register}`."
        )


def assess_changes(
    previous: Mapping[str, pl.DataFrame],
    current: Mapping[str, pl.DataFrame],
    current_files: Mapping[str, str],
    previous_files: Mapping[str, str],
    hold_share: float,
    accepted: set[tuple[str, str]],
) -> list[RegisterHold]:
    """The registers whose new version must be held; `previous` is the version in force (empty on a first run)."""
    holds: list[RegisterHold] = []
    for register, (file, id_column, name_columns) in GUARDED.items():
        sha = current_files.get(file)
        if sha is None or sha == previous_files.get(file) or (register, sha) in accepted:
            continue
        before = previous.get(register)
        if before is None or before.height == 0:
            continue  # nothing in force to fall back to: the first version is used (its warnings still say why)
        after = current[register]
        reasons = [
            *_lost_people(register, before, after, id_column, hold_share),
            *_mangled_names(register, after, id_column, name_columns),
        ]
        if reasons:
            holds.append(RegisterHold(register, file, sha, tuple(reasons)))
    return holds


def _still_expected(register: str, frame: pl.DataFrame) -> pl.DataFrame:
    # A leaver is a row marked `left`; only current pupils can go missing unmarked.
    if register == "pupils" and "status" in frame.columns:
        return frame.filter(pl.col("status") == "current")
    return frame


def _lost_people(
    register: str, before: pl.DataFrame, after: pl.DataFrame, id_column: str, hold_share: float
) -> list[str]:
    expected = _still_expected(register, before)
    kept = set(after[id_column].to_list())
    missing = expected.filter(~pl.col(id_column).is_in(kept))
    reasons: list[str] = []
    noun = "current pupils" if register == "pupils" else register
    if missing.height >= MIN_MISSING and missing.height > hold_share * expected.height:
        examples = ", ".join(sorted(missing[id_column].to_list())[:EXAMPLES])
        reasons.append(
            f"{missing.height} of {expected.height} {noun} ({missing.height / expected.height:.0%}) are missing "
            f"without being marked as leavers (e.g. {examples})."
        )
    if register == "pupils" and "year_group" in before.columns:
        sizes = expected.group_by("year_group").len()
        gone = missing.group_by("year_group").len()
        whole = sizes.join(gone, on="year_group", suffix="_missing").filter(
            (pl.col("len") == pl.col("len_missing")) & (pl.col("len") >= MIN_YEAR_GROUP)
        )
        if whole.height:
            groups = ", ".join(
                f"{row['year_group']} ({row['len']})" for row in whole.sort("year_group").to_dicts()
            )
            reasons.append(f"Whole year groups are missing: {groups}.")
    return reasons


def _mangled_names(
    register: str, after: pl.DataFrame, id_column: str, name_columns: tuple[str, ...]
) -> list[str]:
    columns = [c for c in name_columns if c in after.columns]
    if not columns:
        return []
    pattern = "[" + "".join(MANGLED) + "]"
    mangled = after.filter(pl.any_horizontal(pl.col(c).fill_null("").str.contains(pattern) for c in columns))
    if mangled.height == 0:
        return []
    examples = ", ".join(sorted(mangled[id_column].to_list())[:EXAMPLES])
    return [
        f"{mangled.height} names contain replacement characters (? or \ufffd), as when a file is saved in the "
        f"wrong encoding (e.g. {examples})."
    ]
