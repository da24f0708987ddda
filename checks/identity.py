"""Who is each follower, following, subscriber or commenter: a register person with confidence and evidence."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

RESOLVED_KINDS = ("pupil", "former_pupil", "staff_personal", "staff_official", "parent", "unknown")
IDENTITY_COLUMNS = {
    "as_of": pl.Date,
    "platform": pl.Utf8,
    "account_id": pl.Utf8,
    "relation": pl.Utf8,
    "subject_id": pl.Utf8,
    "handle": pl.Utf8,
    "display_name": pl.Utf8,
    "subject_url": pl.Utf8,
    "person_kind": pl.Utf8,
    "person_id": pl.Utf8,
    "confidence": pl.Float64,
    "evidence": pl.Utf8,
}
# Words an adult uses of themself; a pupil-aged account does not describe itself this way.
ADULT_CUES = re.compile(
    r"\b(mum|mom|mummy|dad|daddy|father|mother|grandad|grandma|nan|nanna|granny|wife|husband|parent"
    r"|teacher at|headteacher|governor|retired|engineer|nurse|director|manager|consultant|ceo|founder)\b",
    re.IGNORECASE,
)
EARLIEST_ACCOUNT_AGE = 5
# When one handle is declared for several people, the most serious reading wins (a staff member who is also a
# parent is still using a personal account, DESIGN.md §5.6).
KIND_PRECEDENCE = {"pupil": 0, "former_pupil": 1, "staff_personal": 2, "staff_official": 3, "parent": 4}


def fold_name(text: str | None) -> str:
    """Case, accents, decorative Unicode letters and punctuation folded away: 'Zoë  O'Brien' -> 'zoe obrien'."""
    if not text:
        return ""
    compatible = unicodedata.normalize("NFKC", text)
    stripped = "".join(c for c in unicodedata.normalize("NFKD", compatible) if not unicodedata.combining(c))
    letters = re.sub(r"[^\w\s-]", "", stripped.casefold())
    letters = re.sub(r"[\d_-]+", " ", letters)
    return " ".join(letters.split())


def normalise_handle(platform: str, handle: str) -> str:
    if platform == "youtube" and handle.startswith("UC"):
        return handle
    return handle.strip().lstrip("@").lower()


@dataclass(frozen=True)
class Person:
    kind: str  # pupil | former_pupil | staff | parent
    person_id: str
    names: tuple[str, ...]
    describe: str
    date_of_birth: date | None = None


@dataclass(frozen=True)
class Candidate:
    person: Person
    resolved_kind: str
    confidence: float
    evidence: str


def _handles(value: Any) -> list[tuple[str, str]]:
    out = []
    for entry in value or []:
        platform, handle = entry["platform"], entry["handle"]
        if platform in ("x", "youtube") and handle:
            out.append((platform, normalise_handle(platform, handle)))
    return out


def _full_names(forename: str | None, surname: str | None, preferred: str | None) -> tuple[str, ...]:
    names = []
    for first in (forename, preferred):
        if first and surname:
            names.append(fold_name(f"{first} {surname}"))
    return tuple(dict.fromkeys(n for n in names if n))


class RegisterIndex:
    """Declared handles and exact names of everyone in the registers, ready for lookups."""

    def __init__(
        self,
        pupils: pl.DataFrame,
        staff: pl.DataFrame,
        parents: pl.DataFrame,
        as_of: date,
    ) -> None:
        self.as_of = as_of
        self.by_handle: dict[tuple[str, str], tuple[Person, str, str]] = {}
        self.by_name: dict[str, list[Person]] = defaultdict(list)
        for row in pupils.iter_rows(named=True):
            kind = "pupil" if row["status"] == "current" else "former_pupil"
            year = row["year_group"]
            describe = (
                f"pupil {row['pupil_id']}, Year {year}"
                if kind == "pupil"
                else f"former pupil {row['pupil_id']}, left {row['leaving_date']} from Year {year}"
            )
            person = Person(
                kind,
                row["pupil_id"],
                _full_names(row["forename"], row["surname"], row["preferred_name"]),
                describe,
                row["date_of_birth"],
            )
            for key in _handles(row["known_handles"]):
                self._declare(key, person, kind, "pupils.csv known_handles")
            for name in person.names:
                self.by_name[name].append(person)
        for row in staff.iter_rows(named=True):
            role = f", {row['role']}" if row.get("role") else ""
            person = Person(
                "staff",
                row["staff_id"],
                _full_names(row["forename"], row["surname"], row["preferred_name"]),
                f"staff {row['staff_id']}{role}",
            )
            for key in _handles(row["official_handles"]):
                self._declare(key, person, "staff_official", "staff.csv official_handles")
            for key in _handles(row["personal_handles"]):
                self._declare(key, person, "staff_personal", "staff.csv personal_handles")
            for name in person.names:
                self.by_name[name].append(person)
        for row in parents.iter_rows(named=True):
            pupils_of = ", ".join(row["pupil_ids"] or [])
            person = Person(
                "parent",
                row["parent_id"],
                _full_names(row["forename"], row["surname"], None),
                f"parent {row['parent_id']} of {pupils_of}" if pupils_of else f"parent {row['parent_id']}",
            )
            for key in _handles(row["known_handles"]):
                self._declare(key, person, "parent", "parents.csv known_handles")
            for name in person.names:
                self.by_name[name].append(person)

    def _declare(self, key: tuple[str, str], person: Person, kind: str, source: str) -> None:
        held = self.by_handle.get(key)
        if held is None or KIND_PRECEDENCE[kind] < KIND_PRECEDENCE[held[1]]:
            self.by_handle[key] = (person, kind, source)


def _resolved_kind(person: Person) -> str:
    return "staff_personal" if person.kind == "staff" else person.kind


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _name_candidates(index: RegisterIndex, member: dict[str, Any]) -> list[Candidate]:
    shown = member.get("display_name") or ""
    folded = fold_name(shown)
    people = index.by_name.get(folded, [])
    bio = member.get("description") or ""
    created = member.get("created_at")
    candidates = []
    for person in people:
        evidence = f'display name "{shown}" = {person.describe}: forename and surname exact'
        confidence = 0.9
        if person.kind in ("pupil", "former_pupil") and person.date_of_birth:
            if created is not None and _age_on(person.date_of_birth, created.date()) < EARLIEST_ACCOUNT_AGE:
                # Nobody opens an account before they are five: this is someone else with the same name.
                continue
            adult = ADULT_CUES.search(bio)
            if adult:
                continue
        candidates.append(Candidate(person, _resolved_kind(person), confidence, evidence))
    if len({(c.person.kind, c.person.person_id) for c in candidates}) > 1:
        # Two register people share the name: say so and let a person decide.
        who = "; ".join(c.person.describe for c in candidates)
        return [
            Candidate(
                c.person, c.resolved_kind, 0.65, f'display name "{shown}" matches several people ({who})'
            )
            for c in candidates
        ]
    return candidates


def resolve_identities(audience: pl.DataFrame, index: RegisterIndex) -> pl.DataFrame:
    """One row per audience member: the best register candidate (or unknown) with confidence and evidence."""
    rows = []
    for member in audience.iter_rows(named=True):
        platform = member["platform"]
        declared_key = (
            (platform, normalise_handle(platform, member["handle"] or ""))
            if platform == "x"
            else (platform, member["subject_id"])
        )
        best: Candidate | None = None
        if declared_key in index.by_handle:
            person, kind, source = index.by_handle[declared_key]
            shown = f"@{member['handle']}" if platform == "x" else member["subject_id"]
            best = Candidate(
                person, kind, 1.0, f"{platform} account {shown} is declared in {source} for {person.describe}"
            )
        else:
            candidates = _name_candidates(index, member)
            if candidates:
                # Prefer the most serious reading among equally good candidates: a pupil over an adult.
                best = sorted(candidates, key=lambda c: (-c.confidence, KIND_PRECEDENCE[c.resolved_kind]))[0]
        rows.append(
            {
                "as_of": member["as_of"],
                "platform": platform,
                "account_id": member["account_id"],
                "relation": member["relation"],
                "subject_id": member["subject_id"],
                "handle": member["handle"],
                "display_name": member["display_name"],
                "subject_url": member["subject_url"],
                "person_kind": best.resolved_kind if best else "unknown",
                "person_id": best.person.person_id if best else None,
                "confidence": best.confidence if best else 0.0,
                "evidence": best.evidence if best else "no register entry matched",
            }
        )
    return pl.DataFrame(rows, schema=IDENTITY_COLUMNS)
