"""A standard record-linkage baseline for `socialaudit evaluate`: Splink (DuckDB backend) on the name fields.

What a team without the project's resolver would build: each audience member's display name split into a
forename (first word) and a surname (last word), linked to the registers' forename and surname by a
Fellegi-Sunter model (jaro-winkler name comparisons, u by random sampling, m by expectation maximisation on
blocked pairs). A member linked at match probability >= MATCH_PROBABILITY becomes the same exceptions the
identity rules would raise (a pupil follower, a staff member's personal account...), so both are scored by
the same tallies. It reads nothing but names: no usernames, bios, ages or locations.

Splink is a dev dependency (`uv sync --group dev`); without it the baseline is skipped, never the evaluation.
"""

from __future__ import annotations

import contextlib
import io
import logging
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

MATCH_PROBABILITY = 0.9
ADULT_AGE = 18


def available() -> bool:
    try:
        import splink  # noqa: F401
    except ImportError:
        return False
    return True


def _words(text: str | None) -> list[str]:
    from unicodedata import combining, normalize

    plain = "".join(c for c in normalize("NFKD", text or "") if not combining(c)).lower()
    return "".join(c if c.isalpha() or c in " -'" else " " for c in plain).replace("'", "").split()


def _audience_records(con: duckdb.DuckDBPyConnection, as_of: date) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT platform, account_id, relation, subject_id, display_name FROM marts.fct_audience WHERE as_of = ?",
        [as_of],
    ).fetchall()
    out = []
    for i, (platform, account_id, relation, subject_id, display) in enumerate(rows):
        words = _words(display)
        out.append(
            {
                "unique_id": f"a{i}",
                "forename": words[0] if words else None,
                "surname": words[-1] if len(words) > 1 else None,
                "platform": platform,
                "account_id": account_id,
                "relation": relation,
                "subject_id": subject_id,
            }
        )
    return out


def _register_records(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    rows = con.execute(
        "SELECT person_kind, person_id, forename, surname, status, date_of_birth FROM marts.dim_register_people"
    ).fetchall()
    return [
        {
            "unique_id": f"r{i}",
            "forename": " ".join(_words(forename)[:1]) or None,
            "surname": " ".join(_words(surname)[-1:]) or None,
            "person_kind": kind,
            "person_id": person_id,
            "status": status,
            "date_of_birth": dob,
        }
        for i, (kind, person_id, forename, surname, status, dob) in enumerate(rows)
    ]


def _links(audience: list[dict[str, Any]], people: list[dict[str, Any]]) -> dict[str, tuple[str, float]]:
    """audience unique_id -> (register unique_id, match probability) for the best link above the threshold."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    from splink.backends.duckdb import DuckDBAPI

    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    columns = ("unique_id", "forename", "surname")
    left = db_api.register(
        pa.Table.from_pylist([{c: r[c] for c in columns} for r in audience]), table_name="aud"
    )
    right = db_api.register(
        pa.Table.from_pylist([{c: r[c] for c in columns} for r in people]), table_name="reg"
    )
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[cl.NameComparison("forename"), cl.NameComparison("surname")],
        blocking_rules_to_generate_predictions=[block_on("surname"), block_on("forename")],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker([left, right], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("forename", "surname")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=200_000, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("forename"))
    predictions = linker.inference.predict(
        threshold_match_probability=MATCH_PROBABILITY
    ).as_pandas_dataframe()
    best: dict[str, tuple[str, float]] = {}
    for row in predictions.itertuples():
        a, r = (
            (row.unique_id_l, row.unique_id_r)
            if row.unique_id_l.startswith("a")
            else (row.unique_id_r, row.unique_id_l)
        )
        if a not in best or row.match_probability > best[a][1]:
            best[a] = (r, float(row.match_probability))
    return best


def _age(dob: date | None, day: date) -> int | None:
    return None if dob is None else day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def baseline_exceptions(db: Path, as_of: date) -> list[dict[str, Any]]:
    """The identity exceptions the Splink baseline raises on an audited warehouse (medium severity: each link is
    a confident one)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        audience = _audience_records(con, as_of)
        people = _register_records(con)
        threads = con.execute(
            # Every comment's author, replies included, as the pupil-comment rule reads them.
            "SELECT DISTINCT account_id, thread_id, author_channel_id FROM marts.fct_comments WHERE as_of = ?",
            [as_of],
        ).fetchall()
    finally:
        con.close()
    if not audience or not people:
        return []
    with contextlib.redirect_stdout(io.StringIO()):  # Splink prints its training progress
        links = _links(audience, people)
    by_id = {r["unique_id"]: r for r in people}
    out: list[dict[str, Any]] = []
    for member in audience:
        link = links.get(member["unique_id"])
        if link is None:
            continue
        person = by_id[link[0]]
        kind = person["person_kind"]
        if kind == "pupil":
            age = _age(person["date_of_birth"], as_of)
            kind = (
                "pupil"
                if person["status"] == "current"
                else ("former_pupil" if age is not None and age < ADULT_AGE else None)
            )
        elif kind == "staff":
            kind = "staff_personal"
        if kind is None:
            continue
        for rule, subject_kind, subject_id in _findings(member, kind, threads):
            out.append(
                {
                    "rule": rule,
                    "severity": "medium",
                    "platform": member["platform"],
                    "account": member["account_id"],
                    "subject_kind": subject_kind,
                    "subject_id": subject_id,
                    "person_kind": kind,
                    "person_id": person["person_id"],
                    "confidence": link[1],
                }
            )
    return out


def _findings(
    member: dict[str, Any], kind: str, threads: list[tuple[str, str, str]]
) -> list[tuple[str, str, str]]:
    relation, subject = member["relation"], member["subject_id"]
    if relation == "following":
        return [("official-follows-person", "following", subject)] if kind != "unknown" else []
    if relation == "commenter":
        if kind != "pupil":
            return []
        return [
            ("pupil-comment", "comment", thread)
            for account, thread, author in threads
            if author == subject and account == member["account_id"]
        ]
    rule = {
        "pupil": "pupil-follower",
        "former_pupil": "former-pupil-follower",
        "staff_personal": "staff-personal-follower",
    }.get(kind)
    return [(rule, relation, subject)] if rule else []
