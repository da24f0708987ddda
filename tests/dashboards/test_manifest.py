"""The JSON Schemas shipped in dashboards/schemas/ and the manifest.json that names them beside each output set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from jsonschema import Draft202012Validator

from checks.rules import RULES
from dashboards.manifest import (
    COMMAND_SCHEMAS,
    CONTRACTS,
    MANIFEST_SCHEMA,
    SCHEMAS_DIR,
    load_schema,
    manifest_text,
    product_version,
    schema_path,
)
from dashboards.report import SEVERITY_ORDER, write_outputs
from dashboards.trust_report import STATUS_ORDER, SUMMARY_FIELDS
from tests.builders.findings import AS_OF, PUPIL_FOLLOWER, insert_exception, insert_rules
from tests.builders.output_contract import output_problems, schema_problems
from warehouse.lifecycle import ACTIVE, EXCEPTION_FIELDS

EXCEPTIONS = "urn:socialaudit:schema:exceptions:v2"
RESOLVED = "urn:socialaudit:schema:resolved:v4"
TRUST_SUMMARY = "urn:socialaudit:schema:trust-summary:v1"
SCHEMA_FILES = sorted(SCHEMAS_DIR.glob("*.schema.json"))


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_shipped_schema_is_a_valid_schema_named_by_its_id(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema_path(schema["$id"]) == path
    assert "docs/contracts/" in schema["description"]


def test_every_schema_a_manifest_names_is_shipped() -> None:
    named = {contract.schema for contract in CONTRACTS.values() if contract.schema} | {MANIFEST_SCHEMA}
    named |= set(COMMAND_SCHEMAS.values())
    shipped = {json.loads(p.read_text(encoding="utf-8"))["$id"] for p in SCHEMA_FILES}
    assert named <= shipped
    # An earlier version stays in the package (docs/contracts/README.md): every other file is one of those.
    current = {schema_id.rpartition(":")[0]: int(schema_id.rpartition(":v")[2]) for schema_id in named}
    for earlier in shipped - named:
        name, _, version = earlier.rpartition(":v")
        assert int(version) < current[name], earlier


def row_schema(schema_id: str) -> dict[str, Any]:
    schema = load_schema(schema_id)
    return dict(schema["$defs"][schema["items"]["$ref"].rsplit("/", 1)[1]])


def test_the_exceptions_schema_has_exactly_the_fields_written_in_their_order() -> None:
    row = row_schema(EXCEPTIONS)
    assert tuple(row["required"]) == tuple(row["properties"]) == EXCEPTION_FIELDS
    assert set(row["properties"]["rule"]["enum"]) == {rule.id for rule in RULES}
    assert row["properties"]["status"]["enum"] == list(ACTIVE)
    assert set(row["properties"]["severity"]["enum"]) == set(SEVERITY_ORDER)


def test_a_resolved_row_is_an_exception_row_with_when_and_why() -> None:
    exception, resolved = row_schema(EXCEPTIONS), row_schema(RESOLVED)
    assert resolved["required"] == [*exception["required"], "resolved_on", "resolved_reason"]
    for field, rule in exception["properties"].items():
        assert resolved["properties"][field] == (rule if field != "status" else {"const": "resolved"}), field


def test_the_trust_summary_schema_has_exactly_the_summary_fields() -> None:
    row = row_schema(TRUST_SUMMARY)
    assert tuple(row["required"]) == tuple(row["properties"]) == SUMMARY_FIELDS
    assert set(row["properties"]["status"]["enum"]) == set(STATUS_ORDER)


@pytest.fixture
def published(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> Path:
    """An output folder as a run publishes it, holding one open exception."""
    insert_rules(con)
    insert_exception(con, PUPIL_FOLLOWER, "new")
    write_outputs(con, tmp_path, AS_OF, "Tiny Lane Primary School")
    return tmp_path


@pytest.fixture
def good_row(published: Path) -> dict[str, Any]:
    (row,) = json.loads((published / "exceptions.json").read_text(encoding="utf-8"))
    return dict(row)


@pytest.mark.parametrize(
    "change",
    [
        {"status": "accepted"},  # decided exceptions stay in the warehouse, not in the file
        {"rule": "pupil-follwer"},
        {"severity": "urgent"},
        {"person_kind": "unknown"},
        {"confidence": 1.2},
        {"first_seen": "16/11/2026"},
        {"subject_url": "javascript:alert(1)"},
        {"evidence": ""},
        {"key": "pupil-follower:1600000000000000001"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_the_exceptions_schema_refuses_what_breaks_the_contract(
    good_row: dict[str, Any], change: dict[str, Any]
) -> None:
    assert schema_problems([good_row], EXCEPTIONS, "exceptions.json") == []
    assert schema_problems([{**good_row, **change}], EXCEPTIONS, "exceptions.json")


def test_a_missing_field_or_an_object_instead_of_an_array_is_refused(good_row: dict[str, Any]) -> None:
    incomplete = {k: v for k, v in good_row.items() if k != "subject_id"}
    assert schema_problems([incomplete], EXCEPTIONS, "exceptions.json")
    assert schema_problems({"exceptions": [good_row]}, EXCEPTIONS, "exceptions.json")


def test_a_later_version_may_add_fields_a_reader_of_this_one_ignores(good_row: dict[str, Any]) -> None:
    assert schema_problems([{**good_row, "remediation": "pending"}], EXCEPTIONS, "exceptions.json") == []


def test_the_manifest_names_each_file_its_version_and_schema(published: Path) -> None:
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert schema_problems(manifest, MANIFEST_SCHEMA, "manifest.json") == []
    assert manifest == {
        "manifest": MANIFEST_SCHEMA,
        "product": "socialaudit",
        "product_version": product_version(),
        "as_of": AS_OF.isoformat(),
        "files": {
            "exceptions.csv": {"version": 1, "schema": None},
            "exceptions.json": {"version": 2, "schema": EXCEPTIONS},
            "report.html": {"version": 1, "schema": None},
            "resolved.json": {"version": 4, "schema": RESOLVED},
        },
    }
    assert product_version() != "unknown"  # the package is installed: its own version is named
    assert output_problems(published) == []


def test_the_output_check_finds_what_breaks_the_contract(published: Path) -> None:
    csv_path, report = published / "exceptions.csv", published / "report.html"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").replace(",high,", ",=1+1,"), encoding="utf-8")
    report.write_text(
        report.read_text(encoding="utf-8").replace("</head>", '<img src="https://e.example/x.png"></head>')
    )
    (published / "manifest.json").unlink()
    problems = "\n".join(output_problems(published))
    assert "manifest.json: not readable JSON" in problems
    assert "starts like a formula" in problems and "is not exceptions.json's" in problems
    assert "report.html fetches or runs something" in problems


def test_a_manifest_for_a_file_without_a_contract_is_refused() -> None:
    with pytest.raises(ValueError, match=r"notes\.txt"):
        manifest_text(date(2026, 11, 16), {"exceptions.json": "", "notes.txt": ""})
