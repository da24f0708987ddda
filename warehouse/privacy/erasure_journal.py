"""The erasure journal: kept beside the warehouse, outside it, so a restored backup can be erased again.

A backup taken before an erasure still holds the person; the erasure record inside the warehouse is restored with
the backup, i.e. without that erasure. The journal is a file of its own (`<warehouse>.erasures.jsonl`, mode 0600,
one JSON object a line, appended and flushed before the erasure commits) holding, per erasure, when it was done and
the keyed hashes (HMAC-SHA256 with the warehouse's secret, warehouse/privacy/keyed.py) of every identifier erased: register
ids, platform account ids, handles and names, and who carried it out and why as audit.erasures records them (the
reason redacted of the person). It holds no identifier of the person itself; only someone holding the warehouse's
secret as well can test a guess against it.

`matching_subjects(con, entries)` finds, in a warehouse (a restored one), every stored value whose keyed hash is in
an entry, as the subjects to erase again; flows/erasure.py `reapply_erasures` erases them the same way.
`written_in(texts, entries, secret)` finds them in files the product wrote (outputs, run logs): what an erasure
stopped midway still has to clean there, though the warehouse no longer holds a value to look for.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse import side_files
from warehouse.privacy.keyed import keyed_hash, secret_id, warehouse_secret
from warehouse.privacy.subjects import REGISTER_HANDLE_COLUMNS, REGISTER_TABLES, Subject

KINDS = ("person", "platform-id", "handle", "name")


class JournalMismatch(Exception):
    """A journal entry was hashed with another secret than the warehouse's (a backup older than migration 9)."""


def journal_path(db_path: Path) -> Path:
    """Where the journal of the warehouse at `db_path` (a DuckDB file or a lake's locator) is kept."""
    return side_files.kept_path("erasure journal", db_path)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def entry_for(
    subject: Subject,
    secret: bytes,
    erasure_id: str,
    erased_at: datetime,
    performed_by: str = "",
    reason: str = "",
) -> dict[str, Any]:
    """The journal's line for an erasure: its keyed hashes, and who carried it out and why exactly as
    audit.erasures records them (the reason already redacted of the person), so a restore keeps the record."""
    values = {
        "person": subject.person_ids,
        "platform-id": subject.platform_ids,
        "handle": {h.casefold() for h in subject.handles},
        "name": {_name_key(n) for n in subject.names},
    }
    return {
        "erasure_id": erasure_id,
        "erased_at": erased_at.isoformat(),
        "secret_id": secret_id(secret),
        "performed_by": performed_by,
        "reason": reason,
        "hashes": {kind: sorted(keyed_hash(secret, kind, v) for v in values[kind]) for kind in KINDS},
    }


@dataclass(frozen=True)
class Journal:
    path: Path

    def start(self) -> None:
        """An empty journal where there is none: from a warehouse's first write on, a missing journal means a lost
        one (a restore then refuses to go on without it)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))

    def append(self, entry: dict[str, Any]) -> None:
        """One line, flushed to disk before the caller commits: an erasure is never done without its entry."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(descriptor, (json.dumps(entry, sort_keys=True) + "\n").encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.chmod(self.path, 0o600)

    def entries(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Every entry (erased after `since`, when given), oldest first."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                if since is None or datetime.fromisoformat(entry["erased_at"]) > since:
                    found.append(entry)
        return found


def _stored_values(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    """Every register id, account id, handle and name the warehouse holds, to hash and compare."""
    values: dict[str, set[str]] = {kind: set() for kind in KINDS}

    def add(kind: str, sql: str) -> None:
        values[kind] |= {str(r[0]) for r in con.execute(sql).fetchall() if r[0]}

    for table, id_column in REGISTER_TABLES.items():
        add("person", f"SELECT DISTINCT {id_column} FROM ref.{table}")
        add("name", f"SELECT DISTINCT concat_ws(' ', forename, surname) FROM ref.{table}")
        if table != "parents":
            add("name", f"SELECT DISTINCT concat_ws(' ', preferred_name, surname) FROM ref.{table}")
        for column in REGISTER_HANDLE_COLUMNS[table]:
            add(
                "handle",
                f"SELECT DISTINCT lower(ltrim(h.handle, '@')) FROM (SELECT unnest({column}) AS h FROM ref.{table})",
            )
    add("platform-id", "SELECT DISTINCT subject_id FROM marts.fct_audience")
    add("platform-id", "SELECT DISTINCT subject_id FROM audit.identities")
    add("handle", "SELECT DISTINCT lower(ltrim(handle, '@')) FROM marts.fct_audience WHERE platform = 'x'")
    add("name", "SELECT DISTINCT display_name FROM marts.fct_audience")
    values["name"] = {_name_key(n) for n in values["name"]}
    return values


def matching_subjects(
    con: duckdb.DuckDBPyConnection, entries: Iterable[dict[str, Any]]
) -> list[tuple[dict[str, Any], Subject]]:
    """For each journal entry, the subject it names in this warehouse (ids whose keyed hashes it holds), or none
    when the warehouse holds nothing of them. A name alone is never enough to erase someone: it only adds the
    names of a subject found by id or handle."""
    secret = warehouse_secret(con)
    mine = secret_id(secret)
    entries = list(entries)
    for entry in entries:
        if entry["secret_id"] != mine:
            raise JournalMismatch(
                f"erasure {entry['erasure_id']} was recorded with another warehouse secret than this one's: "
                "restore the warehouse's secret (meta.warehouse_secret) before re-applying"
            )
    return [
        (entry, subject)
        for entry, subject in _named(_stored_values(con), entries, secret)
        if subject.person_ids or subject.platform_ids or subject.handles
    ]


def _named(
    values: dict[str, set[str]], entries: Iterable[dict[str, Any]], secret: bytes
) -> list[tuple[dict[str, Any], Subject]]:
    """For each entry, the subject made of those `values` (by kind) whose keyed hashes it holds; an entry none of
    them matches is left out."""
    hashed = {kind: {keyed_hash(secret, kind, v): v for v in values[kind]} for kind in KINDS}
    found = []
    for entry in entries:
        matched = {
            kind: {hashed[kind][h] for h in entry["hashes"].get(kind, []) if h in hashed[kind]}
            for kind in KINDS
        }
        if any(matched.values()):
            subject = Subject("journal", entry["erasure_id"], matched["person"], matched["platform-id"])
            subject.handles |= matched["handle"]
            subject.names |= matched["name"]
            found.append((entry, subject))
    return found


# A value a file may hold as a token: a register id, an account id, a handle (with its @ or not).
TOKEN = re.compile(r"@?[\w][\w.-]*")
# A word of a name: letters, with an apostrophe or a hyphen inside (O'Neill, Smith-Jones).
NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
LONGEST_NAME_WORDS = 4


def written_values(text: str) -> dict[str, set[str]]:
    """Every value of each kind that `text` (HTML-escaped or not) may hold, normalised as the journal hashes them:
    its tokens as ids and handles, and each word and run of up to four words apart only by white space as a name."""
    plain = html.unescape(text)
    tokens = {token.rstrip(".-") for token in TOKEN.findall(plain)}
    values: dict[str, set[str]] = {
        "person": {t.lstrip("@") for t in tokens},
        "platform-id": {t for t in tokens if t.isdigit()},
        "handle": {t.lstrip("@").casefold() for t in tokens},
        "name": set(),
    }
    words = list(NAME_WORD.finditer(plain))
    for first in range(len(words)):
        run = [words[first].group()]
        values["name"].add(_name_key(run[0]))  # a display name of one word ("alfie")
        for following in range(first + 1, min(first + LONGEST_NAME_WORDS, len(words))):
            if plain[words[following - 1].end() : words[following].start()].strip():
                break
            run.append(words[following].group())
            values["name"].add(_name_key(" ".join(run)))
    return values


def written_in(
    texts: Iterable[str], entries: Iterable[dict[str, Any]], secret: bytes
) -> list[tuple[dict[str, Any], Subject]]:
    """For each journal entry, what of its person the texts still hold (ids, handles, names whose keyed hashes it
    holds), or none when they hold nothing of them. A name alone counts here: it picks what to clean of outputs
    the product wrote, never whom to erase from a warehouse (`matching_subjects`)."""
    values: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for text in texts:
        for kind, found in written_values(text).items():
            values[kind] |= found
    return _named(values, entries, secret)
