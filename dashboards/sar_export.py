"""A subject access export on disk: a cover document a parent can read (cover.html), sar.json and one
spreadsheet-safe CSV per section, owner-only."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from dashboards.report import environment
from dashboards.safe_text import spreadsheet_safe

COVER = "cover.html"
# Each section in words a parent reads: what it is, and where the school got it.
SECTIONS = {
    "register_pupils": (
        "Your record in the school's pupil list, as the school's system exported it",
        "the school's own records",
    ),
    "register_staff": ("Your record in the school's staff list", "the school's own records"),
    "register_parents": (
        "Your record in the school's list of parents and carers",
        "the school's own records",
    ),
    "parents_listing_them": (
        "A parent's or carer's record that lists you as their child",
        "the school's own records",
    ),
    "approved_media_picturing": (
        "Photos the school approved for publishing that show you, with the consent recorded",
        "the school's own records",
    ),
    "identities": (
        "Which social media accounts the checks believe are yours, and why",
        "the checks, from public profiles",
    ),
    "findings": ("What the checks found about you against the policy, each week", "the checks"),
    "exceptions": ("Each finding a member of staff must look at, and where it stands now", "the checks"),
    "exception_events": ("The history of each of those findings", "the checks"),
    "exception_reviews": ("What staff decided about each finding", "school staff"),
    "exception_remediations": ("What staff did on the social media site about a finding", "school staff"),
    "raw_objects": (
        "Your public profile, comments and replies as the social media site showed them to the school's account",
        "X, YouTube, Facebook or Instagram",
    ),
    "texts_naming_them": (
        "The school's own posts, videos and comments that name you",
        "the school's official accounts",
    ),
    "image_text_naming_them": (
        "Words read from the school's published pictures that name you",
        "the school's official accounts",
    ),
    "post_checks": ("Drafts of posts checked before publishing that name or show you", "school staff"),
    "pictures_beside_findings": (
        "Small copies of published or approved photos kept beside a finding about you (listed here: the school's "
        "data protection officer shows you the photos themselves, after checking whether anyone else is in them)",
        "the school's official accounts and its own photo library",
    ),
}


def _cell(value: Any) -> str:
    return spreadsheet_safe(
        value if value is None or isinstance(value, str) else json.dumps(value, default=str)
    )


def write_export(export: dict[str, Any], out_dir: Path) -> list[Path]:
    """sar.json plus one CSV per non-empty section, readable by the owner only."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out_dir, 0o700)
    written = []

    def owner_only(path: Path, text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(path, 0o600)
        written.append(path)

    owner_only(out_dir / COVER, cover_document(export))
    owner_only(out_dir / "sar.json", json.dumps(export, default=str, indent=2))
    for name, rows in export["sections"].items():
        if not rows:
            continue
        columns = list(dict.fromkeys(k for row in rows for k in row))
        buffer = io.StringIO()
        csv.writer(buffer).writerows([columns, *[[_cell(row.get(c)) for c in columns] for row in rows]])
        owner_only(out_dir / f"{name}.csv", buffer.getvalue())
    return written


def cover_document(export: dict[str, Any]) -> str:
    """The export explained in plain English for the person (or their parent): who holds what and why, where it
    came from, how long it is kept, their rights and whom to ask. It names no record's content, only its kind."""
    parts = [
        {
            "what": SECTIONS.get(name, (name.replace("_", " "), ""))[0],
            "source": SECTIONS.get(name, ("", "the checks"))[1],
            "count": len(rows),
            "file": f"{name}.csv",
        }
        for name, rows in export["sections"].items()
        if rows
    ]
    return (
        environment()
        .get_template("sar_cover.html.j2")
        .render(
            school=export.get("school") or "The school",
            generated_on=str(export.get("generated_at", ""))[:10],
            register_ids=export.get("register_ids", []),
            sections=parts,
            retention=export.get("retention", []),
        )
    )
