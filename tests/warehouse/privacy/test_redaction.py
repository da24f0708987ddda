"""The redaction mechanism: a link is replaced whole or left whole, and what a redaction keeps (a subject access
requester's own names, handles and ids) is never changed, whoever else shares it. Made-up names throughout."""

from __future__ import annotations

import duckdb

from warehouse.privacy.redaction import ERASED, Redaction, sweep, text_columns


def _others() -> Redaction:
    others = Redaction()
    others.add_name("Mira Okafor", "another pupil")  # another pupil of the same name as the requester
    others.add_name("Tomasz Wren", "another pupil")
    others.add_handle("tomwren_44", "another pupil")
    others.add_identifier("P0912", "another pupil")
    return others


def _requester() -> Redaction:
    own = Redaction()
    own.add_name("Mira Okafor")
    own.add_handle("MiraOkafor765")
    own.add_identifier("P0104")
    return own


def test_the_requesters_own_name_and_handle_stay_though_another_pupil_shares_the_name() -> None:
    others = _others()
    others.keep(_requester())
    text = (
        "Mira Okafor (@MiraOkafor765, https://x.com/MiraOkafor765) replied to Tomasz Wren; "
        "#WellDoneMiraOkafor P0104 P0912"
    )
    redacted, n = others.text(text)
    assert redacted == (
        "Mira Okafor (@MiraOkafor765, https://x.com/MiraOkafor765) replied to another pupil; "
        "#WellDoneMiraOkafor P0104 another pupil"
    )
    assert n == 2


def test_a_link_naming_someone_else_is_replaced_whole_never_cut() -> None:
    others = _others()
    redacted, n = others.text(
        "see https://x.com/tomwren_44/status/1?s=20 and https://example.org/TomaszWren."
    )
    assert redacted == "see another pupil and another pupil."
    assert n == 2
    erasure = Redaction()
    erasure.add_handle("tomwren_44")
    assert erasure.text("https://www.youtube.com/@tomwren_44/videos")[0] == ERASED


def test_without_a_requester_every_other_pupils_name_is_redacted_as_before() -> None:
    redacted, n = _others().text("Mira Okafor and Tomasz Wren at sports day")
    assert (redacted, n) == ("another pupil and another pupil at sports day", 2)


def test_kept_spans_survive_json_values_and_leave_no_marks() -> None:
    others = _others()
    others.keep(_requester())
    value, _ = others.value({"evidence": ["MiraOkafor765 follows", {"note": "P0912 is Tomasz Wren"}]})
    assert value == {"evidence": ["MiraOkafor765 follows", {"note": "another pupil is another pupil"}]}
    many = " ".join(f"P0104 Mira Okafor {i}" for i in range(40))  # more kept spans than one mark digit holds
    assert others.text(many)[0] == many


def test_a_sweep_redacts_every_text_json_and_list_column_of_a_table_each_counted_others_untouched() -> None:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.notes (id INTEGER, body VARCHAR, page JSON, tags VARCHAR[], note VARCHAR)")
    con.execute(
        "INSERT INTO raw.notes VALUES"
        " (1, 'Well done Tomasz Wren!', '{\"text\": \"by tomwren_44\"}', ['tomwren_44', 'sports'], NULL),"
        " (2, 'Well done Tomasz Wren!', NULL, ['sports'], 'P0912 is away'),"
        " (3, 'nothing here', '{\"text\": \"nothing\"}', NULL, 'nothing')"
    )
    con.execute("CREATE TABLE raw.other (id INTEGER, said VARCHAR)")
    con.execute("INSERT INTO raw.other VALUES (1, 'Tomasz Wren ran'), (2, 'a fine day')")
    columns = text_columns(con, ["raw"])
    assert {(c.table, c.name, c.kind) for c in columns} >= {
        ("raw.notes", "tags", "list"),
        ("raw.notes", "page", "json"),
    }

    erased = Redaction()
    erased.add_name("Tomasz Wren")
    erased.add_handle("tomwren_44")
    erased.add_identifier("P0912")

    done = sweep(con, erased, columns)

    assert done == {
        "raw.notes.body": 1,  # one distinct value, held by two rows
        "raw.notes.page": 1,
        "raw.notes.tags": 1,
        "raw.notes.note": 1,
        "raw.other.said": 1,
    }
    assert con.execute(
        "SELECT id, body, page::VARCHAR, tags, note FROM raw.notes ORDER BY id"
    ).fetchall() == [
        (1, f"Well done {ERASED}!", f'{{"text": "by {ERASED}"}}', ["sports"], None),  # a handle dropped whole
        (2, f"Well done {ERASED}!", None, ["sports"], f"{ERASED} is away"),
        (3, "nothing here", '{"text": "nothing"}', None, "nothing"),
    ]
    assert con.execute("SELECT said FROM raw.other ORDER BY id").fetchall() == [
        (f"{ERASED} ran",),
        ("a fine day",),
    ]
