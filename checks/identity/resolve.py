"""The public entry: resolve each audience member by wiring the stages together.

declared handle (decision.py) -> read the profile's name fields (reading.py, profile.py) -> candidates by
blocking, each read from what it explains of the name fields (candidates.py, explain.py) -> score each reading
against the profile's cues (scoring.py) -> decide (decision.py), with evidence text from evidence.py and every
weight in weights.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from checks.identity.bio_names import bio_readings
from checks.identity.cues import adult_cues, former_cues, other_school_cues, school_cues
from checks.identity.decision import Resolution, decide, declared_reading
from checks.identity.lexicon import TITLE
from checks.identity.processes import HELPER_START_PROFILES, in_processes, process_count, slice_bounds
from checks.identity.profile import parse_profile
from checks.identity.readings import readings
from checks.identity.register_index import DeclaredAccount, IndexRecipe, RegisterIndex
from checks.identity.scoring import place_words, score_all, teaches
from checks.identity.whose import held_by_a_parent, whose

RESOLVED_KINDS = ("pupil", "former_pupil", "staff_personal", "staff_official", "parent", "unknown")
# What resolution reads: one row per audience member, as marts.fct_audience gives them (the school's followers,
# following, visible subscribers and commenters of one week).
AUDIENCE_COLUMNS = pl.Schema(
    {
        "as_of": pl.Date(),
        "platform": pl.String(),
        "account_id": pl.String(),
        "relation": pl.String(),
        "subject_id": pl.String(),
        "handle": pl.String(),
        "display_name": pl.String(),
        "description": pl.String(),
        "location": pl.String(),
        "created_at": pl.Datetime("us", "UTC"),
        "protected": pl.Boolean(),
        "subject_url": pl.String(),
        "profile_url": pl.String(),
    }
)
# What it returns: one row per audience member, the register reading (or unknown) with confidence and evidence.
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
    # The matched pupil's date of birth, so rules can tell a former pupil's age on the run date.
    "date_of_birth": pl.Date,
}


def resolve_member(index: RegisterIndex, member: dict[str, Any]) -> Resolution:
    """(resolved kind, register person or None, confidence, evidence) for one audience member: the first of
    `resolve_member_all`."""
    return resolve_member_all(index, member)[0]


def resolve_member_all(index: RegisterIndex, member: dict[str, Any]) -> list[Resolution]:
    """Every register person one audience member's account is read as: one, or one per pupil of a shared
    account (whose.py)."""
    declared = declared_reading(index, member)
    if declared is not None:
        return [declared]
    profile = parse_profile(member, index)
    # A child placed by the people and classes the school knows ("Mrs Ward's class"): a year group to weigh.
    named_fields = (("display name", profile.display), ("username", profile.handle), ("bio", profile.bio))
    profile.age += index.teaching.cues((*named_fields, *profile.about))
    if profile.bio:
        profile.teaching = teaches(profile.bio)
        profile.other_school = other_school_cues(profile.bio, index.school_phrases)
        profile.former = former_cues(profile.bio)
    for where, text in (("bio", profile.bio), *profile.about):
        if text:
            profile.school += school_cues(
                text, index.school_phrases, index.school_initials, index.official_handles, where
            )
    # Weak names (a forename alone, with an initial) count only with something to check them against.
    titled = any(f.roles & TITLE for f in profile.fields)
    cued = bool(profile.age or profile.school or profile.teaching or titled)
    matches = readings(index, profile, cued)
    if matches and profile.bio:
        profile.adult = adult_cues(profile.bio)
    kept = score_all(index, profile, matches)
    if not kept and (profile.bio or profile.location or profile.url):
        # The name fields name nobody the school knows: the bio, the location or a linked profile may say who
        # writes (bio_names.py).
        in_bio = bio_readings(index, profile)
        if in_bio:
            profile.adult = adult_cues(profile.bio) if profile.bio else []
            kept = score_all(index, profile, in_bio)
            matches += in_bio
    kind, person, confidence, said = decide(kept, [m for m in matches if m.ruled_out])
    if person is None and (
        by_a_parent := held_by_a_parent(index, profile, [m for m in matches if m.ruled_out])
    ):
        return [by_a_parent]
    if person is None:
        # Nobody matched: how a name in another script was read is said, and letters nothing could read, so a
        # person sees what was compared rather than taking it for nobody's.
        unread = [
            f'{f.source} holds "{text}", letters not read'
            for f in profile.fields
            for text in f.reading.unread
        ]
        transliterated = [
            f'{f.source} "{w.shown}" ({w.read_as}) read as "{w.plain}"'
            for f in profile.fields
            for w in f.reading.words
            if w.read_as
        ]
        said = "; ".join([said, *transliterated, *unread])
    too_young = [m for m in matches if m.under_five]
    return whose(index, profile, kept, (kind, person, confidence, said), too_young)


def resolve_identities(
    audience: pl.DataFrame, index: RegisterIndex, processes: int | None = None
) -> pl.DataFrame:
    """One row per audience member: the best register reading (or unknown) with confidence and evidence.

    `processes`: how many processes resolve it (default: one, or two for an audience of 100k profiles or more on
    two cores or more; see processes.py). The rows are the same however many."""
    seen = _what_each_subject_shows(audience)
    if "location" in audience.columns:
        index.learn_locality(audience["location"].drop_nulls().to_list(), place_words)
    index.learn_staff_accounts_present(
        zip(
            audience["platform"].to_list(),
            audience["handle"].to_list(),
            audience["subject_id"].to_list(),
            _what_each_says(audience),
            strict=True,
        )
    )
    count = process_count(audience.height) if processes is None else processes
    if count <= 1:
        return _resolve_frame(index, audience, seen)
    parts = [
        (part, _seen_in(part, seen))
        for part in (
            audience.slice(start, length)
            for start, length in slice_bounds(audience.height, count, HELPER_START_PROFILES)
        )
    ]
    shared = _Shared(index.recipe, frozenset(index.locality), index.staff_accounts_present)
    # This process's own part counts its work in index.stats as it goes (0, 0 here); the helpers' is added.
    results = in_processes(
        lambda part: (_resolve_frame(index, *part), 0, 0), _resolve_elsewhere, shared, parts
    )
    for _, lookups, candidates in results:
        index.stats.lookups += lookups
        index.stats.candidates += candidates
    return pl.concat([frame for frame, _, _ in results])


def _what_each_says(audience: pl.DataFrame) -> list[str]:
    """Each member's display name, bio and location as one text (the columns a frame lacks say nothing)."""
    columns = [c for c in ("display_name", "description", "location") if c in audience.columns]
    if not columns:
        return [""] * audience.height
    return audience.select(pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" "))[
        :, 0
    ].to_list()


@dataclass(frozen=True)
class _Shared:
    """What every helper process needs besides its part: the index's recipe and what was learnt from the whole
    audience (its area, the members of staff whose declared accounts it holds)."""

    recipe: IndexRecipe
    locality: frozenset[str]
    staff_accounts_present: dict[tuple[str, str], DeclaredAccount]


_Seen = dict[tuple[str, str], dict[str, str]]


def _seen_in(part: pl.DataFrame, seen: _Seen) -> _Seen:
    """What the subjects of `part` show in any row of the audience (some of those rows in other parts)."""
    keys = zip(part["platform"].to_list(), part["subject_id"].to_list(), strict=True)
    return {key: seen[key] for key in keys if key in seen}


def _resolve_elsewhere(shared: _Shared, part: tuple[pl.DataFrame, _Seen]) -> tuple[pl.DataFrame, int, int]:
    """A helper's part: its identities (a frame crosses between processes far smaller than rows would) and the
    work they took (lookups, candidates scored)."""
    index = shared.recipe.build()
    index.locality = set(shared.locality)
    index.staff_accounts_present = dict(shared.staff_accounts_present)
    identities = _resolve_frame(index, *part)
    return identities, index.stats.lookups, index.stats.candidates


def _resolve_frame(index: RegisterIndex, audience: pl.DataFrame, seen: _Seen) -> pl.DataFrame:
    """The identity rows of `audience`: what each row already holds taken from it as columns, and only what
    resolution adds kept per row as it goes (a dict per row would hold a trust's audience twice over)."""
    rows: list[int] = []
    added: dict[str, list[Any]] = {column: [] for column in _ADDED}
    for position, member in enumerate(audience.iter_rows(named=True)):
        # Read as one profile; the row still says what this relation showed. A shared account is a row per pupil.
        for kind, person, confidence, evidence in resolve_member_all(
            index, _with_what_its_other_rows_show(member, seen)
        ):
            rows.append(position)
            added["person_kind"].append(kind)
            added["person_id"].append(person.person_id if person else None)
            added["confidence"].append(round(confidence, 3))
            added["evidence"].append(evidence)
            added["date_of_birth"].append(person.date_of_birth if person else None)
    kept = [column for column in IDENTITY_COLUMNS if column not in _ADDED]
    return (
        audience.select(kept)
        .cast({column: IDENTITY_COLUMNS[column] for column in kept})
        .select(pl.all().gather(rows))
        .with_columns(pl.Series(column, added[column], dtype=IDENTITY_COLUMNS[column]) for column in _ADDED)
        .select(list(IDENTITY_COLUMNS))
    )


# What resolution adds to each audience row (the rest of IDENTITY_COLUMNS is the row's own).
_ADDED = ("person_kind", "person_id", "confidence", "evidence", "date_of_birth")


def _shows_a_handle(name: str | None) -> bool:
    return not name or name.startswith("@")


def _what_each_subject_shows(audience: pl.DataFrame) -> dict[tuple[str, str], dict[str, str]]:
    """Per (platform, subject): the description, handle and name any of its rows shows.

    One channel is seen under several relations (a YouTube subscriber who also comments) and each API shows part
    of it: a subscription gives the channel's title and description but no handle, a comment the author's
    "@handle" (as its display name too) and no description. The person is the same: read them as one profile."""
    seen: dict[tuple[str, str], dict[str, str]] = {}
    # A subject with one row has nothing to borrow from another: only those seen more than once are held.
    repeated = audience.filter(pl.struct("platform", "subject_id").is_duplicated())
    for m in repeated.iter_rows(named=True):
        fields = seen.setdefault((m["platform"], m["subject_id"]), {})
        if m.get("description"):
            fields.setdefault("description", m["description"])
        if m.get("handle"):
            fields.setdefault("handle", m["handle"])
        if not _shows_a_handle(m.get("display_name")):
            fields.setdefault("display_name", m["display_name"])
    return seen


def _with_what_its_other_rows_show(
    member: dict[str, Any], seen: dict[tuple[str, str], dict[str, str]]
) -> dict[str, Any]:
    fields = seen.get((member["platform"], member["subject_id"]))
    if not fields:
        return member  # seen in one row only (most): nothing to borrow
    filled = dict(member)
    if not member.get("description") and "description" in fields:
        filled["description"] = fields["description"]
    if not member.get("handle") and "handle" in fields:
        filled["handle"] = fields["handle"]
    if _shows_a_handle(member.get("display_name")) and "display_name" in fields:
        filled["display_name"] = fields["display_name"]
    return filled
