"""What of an erased person files still hold, found only by the keyed hashes the erasure journal kept: their ids,
handles and names however a file wrote them (HTML- or JSON-escaped, any case, with an @), and nobody else."""

from __future__ import annotations

import json
from datetime import datetime

from warehouse.privacy.erasure_journal import entry_for, written_in, written_values
from warehouse.privacy.subjects import Subject

SECRET = b"a warehouse's own secret, 32 bytes"


def erased(person_id: str, account_id: str, handle: str, *names: str) -> dict[str, object]:
    subject = Subject("person", person_id, {person_id}, {account_id}, {handle}, set(names))
    return entry_for(subject, SECRET, "e-" + person_id, datetime(2026, 11, 20), "A. Dpo", "ER-1")


def test_what_a_report_still_holds_of_an_erased_person_is_found_however_it_was_written() -> None:
    entry = erased("P0002", "1600000000000000005", "ellie_b2015", "Ellie O'Brien", "Eleanor O'Brien")
    report = "<td>Well done <b>ELLIE O&#x27;BRIEN</b> at sports day</td><td>@Ellie_B2015</td>"
    exceptions = json.dumps([{"person_id": "P0002", "subject_id": "1600000000000000005"}])
    ((_, subject),) = written_in([report, exceptions], [entry], SECRET)
    assert subject.person_ids == {"P0002"} and subject.platform_ids == {"1600000000000000005"}
    assert subject.handles == {"ellie_b2015"} and subject.names == {"ellie o'brien"}


def test_nothing_is_found_of_someone_the_files_do_not_hold() -> None:
    entry = erased("P0002", "1600000000000000005", "ellie_b2015", "Ellie Brown")
    texts = ["Well done Alfie Price, Ellie, Brown and Co", "ellie_b2016 P00021 Brownie"]
    assert written_in(texts, [entry], SECRET) == []  # her words apart, near misses: none of her


def test_a_name_is_read_as_runs_of_words_apart_only_by_white_space() -> None:
    names = written_values("Mrs Ann-Marie\n  Smith, Jo.")["name"]
    assert {"mrs ann-marie smith", "ann-marie smith", "jo", "mrs"} <= names
    assert "smith jo" not in names
