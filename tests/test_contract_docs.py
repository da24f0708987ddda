"""docs/contracts/ says what the code accepts and produces: every school.toml and trust.toml key (with its default),
every command and option, the exit statuses, the register columns, the dataset layout and fault kinds, and the
fields of each JSON output as its shipped schema has them. A change to either side without the other fails here."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest

import flows.commands.common as common
from checks.registers.contract import PHOTO_CONSENTS, PUPIL_STATUSES, REGISTER_SPECS, YEAR_GROUPS
from checks.rule_support.citation import SchoolPolicy
from checks.rules import RULE_OPTIONS
from dashboards.access import ROLES, OidcSettings, ReviewAppSettings
from dashboards.manifest import CONTRACTS, MANIFEST_SCHEMA, SCHOOL_OUTPUTS, load_schema
from flows import cli_reference
from flows.config import review as review_config
from flows.config import trust as trust_config
from flows.config.school import (
    ACCOUNT_KEYS,
    SCHOOL_KEYS,
    TOP_LEVEL_TABLES,
    ApiSettings,
    CredentialSettings,
    EmailSettings,
    RegisterSettings,
    RemediationSettings,
    RetentionSettings,
    ReviewSettings,
    RuleSettings,
    WarehouseSettings,
    load_config,
)
from sandbox.faults import FAULT_KINDS, ROUTES
from tests.builders.dataset_contract import FOLDERS, REGISTER_FILES, X_FILES, YOUTUBE_FILES
from tests.builders.paths import REPO

CONTRACTS_DIR = REPO / "docs" / "contracts"
REQUIRED = object()


def read(name: str) -> str:
    return (CONTRACTS_DIR / name).read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    """The text under the heading line that contains `heading`, up to the next heading of its level or above."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        if line.startswith("#") and heading in line:
            level = len(line) - len(line.lstrip("#"))
            body = []
            for following in lines[start + 1 :]:
                if following.startswith("#") and len(following) - len(following.lstrip("#")) <= level:
                    break
                body.append(following)
            return "\n".join(body)
    raise AssertionError(f"no heading {heading!r}")


def table(text: str) -> list[dict[str, str]]:
    """The first markdown table in `text`, as rows of header -> cell."""
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("|")), None)
    assert start is not None, f"no table in {text[:200]!r}"
    block = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        block.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    header, rows = block[0], block[2:]
    return [dict(zip(header, row, strict=True)) for row in rows]


def names(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def default_value(cell: str) -> Any:
    """A default cell: `required`, `none`, or a TOML value in backticks."""
    if cell == "required":
        return REQUIRED
    if cell == "none":
        return None
    (value,) = names(cell)
    parsed = tomllib.loads(f"v = {value}")["v"]
    return tuple(parsed) if isinstance(parsed, list) else parsed


def file_default(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return REQUIRED


# --- school.toml -----------------------------------------------------------------------------------------------

SCHOOL_TOML = read("school-toml.md")
SETTINGS = [
    ("[api]", ApiSettings, (), {}),
    ("[rules]", RuleSettings, ("options",), {}),
    ("[credentials]", CredentialSettings, ("named",), {}),
    ("[warehouse]", WarehouseSettings, (), {}),
    ("[retention]", RetentionSettings, (), {}),
    ("[registers]", RegisterSettings, ("columns",), {}),
    ("[report.email]", EmailSettings, (), {"sender": "from"}),
    ("[remediation]", RemediationSettings, (), {}),
    ("[reviews]", ReviewSettings, (), {}),
    ("[review_app]", ReviewAppSettings, ("oidc", "grants"), {}),
    ("[review_app.oidc]", OidcSettings, (), {}),
    ("[policy]", SchoolPolicy, ("clauses",), {}),
]


def test_every_table_of_school_toml_has_its_section() -> None:
    headings = [line for line in SCHOOL_TOML.splitlines() if line.startswith("## ")]
    for name, kind in TOP_LEVEL_TABLES.items():
        shown = f"`[[{name}]]`" if kind == "array" else f"`[{name}]`"
        assert f"## {shown}" in headings, shown
    for sub_table in (
        "[rules.<rule-id>]",
        "[credentials.NAME]",
        "[registers.columns.<register>]",
        "[policy.clauses]",
        "[report.email]",
        "[review_app.oidc]",
        "[[review_app.grants]]",
    ):
        assert f"## `{sub_table}`" in headings, sub_table


def test_the_grant_keys_are_documented() -> None:
    school = table(section(SCHOOL_TOML, "`[[review_app.grants]]`"))
    assert tuple(names(row["key"])[0] for row in school) == review_config.GRANT_KEYS[:2]
    for role in ROLES:
        assert f"`{role}`" in school[0]["type"], role
    trust = table(section(TRUST, "`[review_app]`"))
    assert tuple(names(row["key"])[0] for row in trust) == review_config.GRANT_KEYS


@pytest.mark.parametrize(
    ("heading", "settings", "not_keys", "renamed"), SETTINGS, ids=[s[0] for s in SETTINGS]
)
def test_every_settings_key_is_documented_with_its_default(
    heading: str, settings: type, not_keys: tuple[str, ...], renamed: dict[str, str]
) -> None:
    rows = {names(row["key"])[0]: row for row in table(section(SCHOOL_TOML, f"`{heading}`"))}
    fields = [f for f in dataclasses.fields(settings) if f.name not in not_keys]
    assert set(rows) == {renamed.get(f.name, f.name) for f in fields}
    for field in fields:
        documented = default_value(rows[renamed.get(field.name, field.name)]["default"])
        expected = file_default(field)
        assert documented == expected and type(documented) is type(expected), f"{heading} {field.name}"


def test_school_and_accounts_keys_are_documented_with_the_defaults_a_school_gets(tmp_path: Path) -> None:
    school = {names(row["key"])[0]: row for row in table(section(SCHOOL_TOML, "`[school]`"))}
    accounts = {names(row["key"])[0]: row for row in table(section(SCHOOL_TOML, "`[[accounts]]`"))}
    assert tuple(school) == SCHOOL_KEYS and tuple(accounts) == ACCOUNT_KEYS
    minimal = tmp_path / "school.toml"
    minimal.write_text(
        '[school]\nname = "Tiny Lane"\n\n[[accounts]]\nplatform = "x"\nhandle = "tiny"\nid = "1"\n',
        encoding="utf-8",
    )
    config = load_config(minimal)
    given = {"name", "platform", "handle", "id"}
    for key, row in [*school.items(), *accounts.items()]:
        documented = default_value(row["default"])
        if key in given:
            assert documented is REQUIRED, key
            continue
        loaded = getattr(config, key) if key in school else getattr(config.accounts[0], key)
        assert documented == loaded, key


def test_every_rule_option_is_documented() -> None:
    rows = table(section(SCHOOL_TOML, "`[rules.<rule-id>]`"))
    documented = {(names(row["table"])[0], names(row["key"])[0]) for row in rows}
    assert documented == {(f"[rules.{rule}]", key) for rule, keys in RULE_OPTIONS.items() for key in keys}
    assert all(default_value(row["default"]) == () for row in rows)


# --- trust.toml and the trust's outputs --------------------------------------------------------------------------

TRUST = read("trust.md")


@pytest.mark.parametrize(
    ("heading", "keys"),
    [
        ("`[trust]`", trust_config.TRUST_KEYS),
        ("`[warehouse]`", trust_config.WAREHOUSE_KEYS),
        ("`[[schools]]`", trust_config.SCHOOL_ENTRY_KEYS),
    ],
)
def test_every_trust_toml_key_is_documented(heading: str, keys: tuple[str, ...]) -> None:
    assert tuple(names(row["key"])[0] for row in table(section(TRUST, heading))) == keys


def test_the_trust_toml_defaults_are_the_codes() -> None:
    warehouse = {names(row["key"])[0]: row for row in table(section(TRUST, "`[warehouse]`"))}
    assert default_value(warehouse["catalog"]["default"]) == f"sqlite:{trust_config.DEFAULT_CATALOG_DIR}"
    assert default_value(warehouse["data_path"]["default"]) == trust_config.DEFAULT_DATA_DIR
    assert set(trust_config.TOP_LEVEL_TABLES) == {"trust", "warehouse", "schools", "review_app"}
    for controller in trust_config.CONTROLLERS:
        assert f"`{controller}`" in section(TRUST, "`[trust]`")


def test_the_trust_summary_fields_are_the_schemas() -> None:
    rows = table(section(TRUST, "`trust-summary.json`"))
    schema = load_schema(CONTRACTS["trust-summary.json"].schema or "")
    assert [names(row["field"])[0] for row in rows] == schema["$defs"]["school"]["required"]


# --- the outputs ----------------------------------------------------------------------------------------------

OUTPUTS = read("outputs.md")


def test_the_exceptions_json_fields_are_the_schemas_in_order() -> None:
    rows = table(section(OUTPUTS, "## `exceptions.json`"))
    schema = load_schema(SCHOOL_OUTPUTS["exceptions.json"].schema or "")["$defs"]["exception"]
    assert [names(row["field"])[0] for row in rows] == schema["required"] == list(schema["properties"])
    for row in rows:
        allowed = schema["properties"][names(row["field"])[0]].get("enum")
        if allowed and names(row["field"])[0] != "rule":
            assert {v for v in allowed if v is not None} == set(names(row["type"])), row["field"]


def test_the_resolved_json_fields_are_the_schemas() -> None:
    rows = table(section(OUTPUTS, "## `resolved.json`"))
    schema = load_schema(SCHOOL_OUTPUTS["resolved.json"].schema or "")["$defs"]["resolved"]
    exception_fields = load_schema(SCHOOL_OUTPUTS["exceptions.json"].schema or "")["$defs"]["exception"][
        "required"
    ]
    assert [*exception_fields, *(names(row["field"])[0] for row in rows)] == schema["required"]
    (reason,) = [row for row in rows if "resolved_reason" in row["field"]]
    assert set(names(reason["type"])) == set(schema["properties"]["resolved_reason"]["enum"])


def test_the_manifest_fields_are_the_schemas() -> None:
    rows = table(section(OUTPUTS, "## `manifest.json`"))
    assert [names(row["field"])[0] for row in rows] == load_schema(MANIFEST_SCHEMA)["required"]


def test_the_files_of_a_set_their_versions_and_schemas_are_the_manifests() -> None:
    rows = {names(row["file"])[0]: row for row in table(section(OUTPUTS, "# The outputs"))}
    assert set(rows) == {*SCHOOL_OUTPUTS, "manifest.json"}
    for name, contract in SCHOOL_OUTPUTS.items():
        assert rows[name]["version"] == str(contract.version), name
        schemas = [n for n in names(rows[name]["JSON Schema"]) if n.startswith("urn:")]
        assert schemas == ([contract.schema] if contract.schema else []), name


# --- the command line --------------------------------------------------------------------------------------------

CLI = read("cli.md")


COMMANDS = list(cli_reference.documented().items())


COMMON = set(cli_reference.options_listed(section(CLI, f"#### {cli_reference.COMMON_HEADING}")))


def _common_in_usage(text: str, listed: list[str]) -> set[str]:
    """The common options a command's usage line names and its own list does not: described in the common options
    list."""
    usage = text.split("```")[1]
    own = {name.split(" ")[0] for name in listed}
    return {
        name
        for name in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", usage)
        if name in COMMON and name not in own
    }


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_and_option_is_in_cli_md(path: str, command: click.Command) -> None:
    text = section(CLI, f"### `{path}`").split(f"#### {cli_reference.COMMON_HEADING}")[0]
    listed = cli_reference.options_listed(text)
    assert bool(listed) != ("No options of its own." in text)
    documented = {name.split(" ")[0] for name in listed} | _common_in_usage(text, listed)
    ctx = click.Context(command, info_name=path)
    options = {
        name.split(" ")[0] for param in command.params for name in cli_reference.option_names(param, ctx)
    }
    assert documented == options


def test_cli_md_documents_no_command_that_does_not_exist() -> None:
    headings = re.findall(r"^### `(socialaudit(?: [^`]+)?)`", CLI, flags=re.MULTILINE)
    assert sorted(headings) == sorted(path for path, _ in COMMANDS)


def test_the_exit_statuses_are_the_codes() -> None:
    rows = table(section(CLI, "## Exit statuses"))
    documented = {names(row["constant"])[0]: int(row["status"]) for row in rows}
    constants = {name: value for name, value in vars(common).items() if name.startswith("EXIT_")}
    assert documented == constants


# --- the registers and the dataset ------------------------------------------------------------------------------

REGISTERS = read("registers.md")


@pytest.mark.parametrize("spec", REGISTER_SPECS.values(), ids=lambda spec: spec.file)
def test_every_register_column_is_documented_in_order_with_whether_it_is_required(spec: Any) -> None:
    rows = table(section(REGISTERS, f"### `{spec.file}`"))
    assert tuple(names(row["column"])[0] for row in rows) == spec.columns
    for row in rows:
        assert row["required"].startswith("yes") == (names(row["column"])[0] in spec.required), row["column"]


def test_the_register_values_are_documented() -> None:
    values = section(REGISTERS, "## Values") + section(REGISTERS, "### `pupils.csv`")
    for value in (*YEAR_GROUPS[:3], "1", "13", *PUPIL_STATUSES, *PHOTO_CONSENTS):
        assert f"`{value}`" in values, value


DATASET = read("dataset.md")


def test_the_dataset_layout_names_every_file_the_dataset_check_requires() -> None:
    layout = section(DATASET, "## Layout").split("```")[1]
    for name in (*REGISTER_FILES, *X_FILES, *YOUTUBE_FILES):
        assert re.search(rf"(^|\s){re.escape(name)}(\s|$)", layout, flags=re.MULTILINE), name
    for folder in FOLDERS:
        assert folder.rsplit("/", 1)[-1] + "/" in layout, folder


def test_every_fault_kind_and_route_is_documented() -> None:
    rows = table(section(DATASET, "## Injected faults"))
    assert [names(row["kind"])[0] for row in rows] == list(FAULT_KINDS)
    routes = section(DATASET, "## What the sandbox does with it")
    assert set(re.findall(r"`((?:x|yt|fb|ig)\.[A-Za-z_]+)`", routes)) == set(ROUTES)
