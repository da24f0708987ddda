"""manifest.json: beside each output set, which contract version each file follows, and its JSON Schema.

The files keep their contracted shapes (exceptions.json stays a JSON array), so their version cannot go inside
them: a reader looks here. The schemas ship with the package in dashboards/schemas/, one file per version
(`urn:socialaudit:schema:exceptions:v1` is `exceptions.v1.schema.json`); docs/contracts/outputs.md says what each
version holds. A new version only adds fields or values, so a reader of version N reads any later file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

SCHEMAS_DIR = Path(__file__).parent / "schemas"
MANIFEST = "manifest.json"
SCHEMA_ID_PREFIX = "urn:socialaudit:schema:"
MANIFEST_SCHEMA = f"{SCHEMA_ID_PREFIX}manifest:v1"


@dataclass(frozen=True)
class FileContract:
    """The contract version an output file follows, and the $id of its JSON Schema (None: CSV or HTML)."""

    version: int
    schema: str | None = None


SCHOOL_OUTPUTS = {
    "exceptions.json": FileContract(2, f"{SCHEMA_ID_PREFIX}exceptions:v2"),
    "exceptions.csv": FileContract(1),
    # Version 2: resolved_reason may be `remediated`; version 3: `aged-out`.
    "resolved.json": FileContract(4, f"{SCHEMA_ID_PREFIX}resolved:v4"),
    "report.html": FileContract(1),
}
TRUST_OUTPUTS = {
    "trust-summary.json": FileContract(1, f"{SCHEMA_ID_PREFIX}trust-summary:v1"),
    "trust-report.html": FileContract(1),
}
CONTRACTS = {**SCHOOL_OUTPUTS, **TRUST_OUTPUTS}
# What commands print as JSON (not files of an output set): `check-post --format json`.
COMMAND_SCHEMAS = {"check-post": f"{SCHEMA_ID_PREFIX}post-check:v1"}


def schema_path(schema_id: str) -> Path:
    """The shipped file of a schema id: `urn:socialaudit:schema:exceptions:v1` -> `exceptions.v1.schema.json`."""
    name, _, version = schema_id.removeprefix(SCHEMA_ID_PREFIX).rpartition(":")
    if not schema_id.startswith(SCHEMA_ID_PREFIX) or not name or not version:
        raise ValueError(f"{schema_id!r} is not a socialaudit schema id")
    return SCHEMAS_DIR / f"{name}.{version}.schema.json"


def load_schema(schema_id: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path(schema_id).read_text(encoding="utf-8"))
    return schema


def product_version() -> str:
    try:
        return metadata.version("socialaudit")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def manifest_text(as_of: date, names: Mapping[str, object]) -> str:
    """manifest.json for an output set of these file names (each must have a contract) for the week `as_of`."""
    unknown = sorted(set(names) - set(CONTRACTS))
    if unknown:
        raise ValueError(f"no contract version for {', '.join(unknown)}: add it to dashboards/manifest.py")
    manifest = {
        "manifest": MANIFEST_SCHEMA,
        "product": "socialaudit",
        "product_version": product_version(),
        "as_of": as_of.isoformat(),
        "files": {
            name: {"version": CONTRACTS[name].version, "schema": CONTRACTS[name].schema}
            for name in sorted(names)
        },
    }
    return json.dumps(manifest, indent=2) + "\n"


def with_manifest(as_of: date, files: Mapping[str, str]) -> dict[str, str]:
    """An output set (name -> text) with its manifest.json beside the files, to be published together."""
    return {**files, MANIFEST: manifest_text(as_of, files)}
