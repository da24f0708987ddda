"""Keyed selectors: a record matches a repeated request in its own warehouse, and confirms no guess elsewhere."""

from __future__ import annotations

import hashlib

from warehouse.privacy.keyed import ensure_secret, keyed_hash, opaque_reference, secret_id, warehouse_secret
from warehouse.privacy.subjects import Subject


def test_each_warehouse_has_its_own_secret_and_keeps_it(con, tmp_path, migrated_template) -> None:
    from tests.builders.warehouse import open_copy

    first = ensure_secret(con)
    assert ensure_secret(con) == first == warehouse_secret(con) and len(first) == 32
    other = open_copy(migrated_template, tmp_path / "other.duckdb")
    try:
        assert ensure_secret(other) != first
    finally:
        other.close()


def test_a_selector_hash_is_keyed(con) -> None:
    secret = ensure_secret(con)
    subject = Subject("handle", "alfie_p_y6")
    keyed = subject.selector_hash(secret)
    assert keyed == subject.selector_hash(secret)  # a repeated request matches
    assert keyed != hashlib.sha256(b"handle:alfie_p_y6").hexdigest()  # a guess cannot be checked without it
    assert keyed != Subject("handle", "alfie_p_y6").selector_hash(b"\x00" * 32)
    assert keyed_hash(secret, "person", "P0001") != keyed_hash(secret, "handle", "P0001")
    assert secret_id(secret) != secret_id(b"\x00" * 32) and secret.hex() not in secret_id(secret)


def test_an_opaque_reference_names_no_account(con) -> None:
    key = "pupil-follower:x:1580000000000000001:follower:1600000000000000002"
    reference = opaque_reference(ensure_secret(con), key)
    assert reference.startswith("ref-") and "1600000000000000002" not in reference and len(reference) == 20
