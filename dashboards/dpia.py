"""The DPIA summary: what is processed, why, under which policy rule and for how long, from the code's own registries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from dashboards.kept_weeks import WEEKS_DIR
from warehouse.dpo_dictionary import SCHEMAS, describe
from warehouse.privacy.retention import RetentionPolicy, policy_rows
from warehouse.state import RuleDescription


class RetentionOfEverything(RetentionPolicy, Protocol):
    """The warehouse's retention and the output folders' (the weeks of reports kept in `--out`)."""

    @property
    def output_weeks(self) -> int: ...
    @property
    def backup_weeks(self) -> int: ...


# Categories of data the warehouse holds, by the table that holds them: the source of each section below.
CATEGORIES = (
    (
        "ref.pupils",
        "Pupils (children)",
        "names, preferred name, date of birth, year group, status, leaving date, photo consent, declared social "
        "media handles",
        "the school's pupil register (registers/pupils.csv)",
    ),
    (
        "ref.staff",
        "Staff",
        "names, role, personal and official handles",
        "the school's staff register (registers/staff.csv)",
    ),
    (
        "ref.parents",
        "Parents and carers",
        "names, their children's pupil ids, declared handles",
        "the school's parent register (registers/parents.csv)",
    ),
    (
        "raw.api_pages",
        "Followers, followed accounts, visible subscribers and commenters of the official accounts",
        "public profile as the platform returns it: id, handle, display name, bio, location, account creation "
        "date, protected flag, counts; comment text",
        "the X and YouTube APIs, read as the school's own accounts",
    ),
    (
        "audit.identities",
        "The same accounts, resolved",
        "who the audit thinks each account is (pupil, staff, parent, unknown), the confidence and the evidence",
        "derived by identity resolution (checks/identity)",
    ),
    (
        "raw.media_files",
        "Images the school published",
        "sha256 and perceptual hashes only; the images are never stored",
        "the official accounts' posts and video thumbnails; older posts' from the school's X archive (never "
        "extracted or kept)",
    ),
    (
        "raw.image_text",
        "Text read in those images (and in the approved library's files they copy)",
        "each line of text an OCR engine (Tesseract, on this machine, offline) read, with its confidence per word "
        "and place: a certificate or name card may carry a child's full name, a poster a phone number; read once "
        "per distinct image; a library file only once a copy is published, never one the register does not list. "
        "Off with [images] read = false",
        "derived from the images above while they are fingerprinted (checks/images)",
    ),
    (
        "raw.image_readings",
        "Whether those images show people",
        "how many faces each image shows and where (boxes only), from OpenCV's Haar face detector: detected, never "
        "recognised; no face image, template or embedding is kept, so no biometric (special category) data",
        "derived from the images above while they are fingerprinted (checks/images)",
    ),
    (
        "audit.finding_pictures",
        "Pictures beside photo findings",
        "thumbnails (160 px at most) in report.html",
        "the images above, the approved library",
    ),
)
LAWFUL_BASIS = (
    "UK GDPR Article 6(1)(e), public task: safeguarding pupils and enforcing the school's own social networking "
    "policy for its official accounts (the school is a public authority). No special category data is sought; "
    "children's data gets the extra care the ICO's Children's code asks for (data minimisation, short retention, "
    "encryption at rest, owner-only files). Confirm the basis with the school's DPO before going live."
)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    clean = [[" ".join(str(c).split()).replace("|", "\\|") for c in row] for row in rows]
    return [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join("---" for _ in headers) + " |",
        *["| " + " | ".join(row) + " |" for row in clean],
    ]


def _kept_for(table: str, keep: dict[str, str]) -> str:
    """`keep`: each retention setting's period in words."""
    if table.startswith("ref."):
        return f"while in the register in force; superseded versions {keep['register_versions_months']}"
    if table == "raw.media_files":
        return "while the school's post is held (fingerprints only)"
    if table == "audit.finding_pictures":
        return "while the exception is open; an erasure removes those of the person"
    if table == "raw.image_readings":
        return "while the image's fingerprints are held (a count and boxes)"
    if table == "raw.image_text":
        return (
            "while the image's fingerprints are held; pupils' names in it "
            f"{keep['posts_naming_pupils_weeks']} after it was read (kept while its post's pupil-named exception "
            "is open); an erasure removes the person's name wherever it was read"
        )
    if table == "audit.identities":
        return (
            f"matched to a register person: {keep['matched_identities_weeks']}; "
            f"matched nobody: {keep['unmatched_profiles_weeks']}"
        )
    if table == "raw.api_pages":
        return (
            f"{keep['raw_pages_weeks']} (the newest snapshot of each list and the school's own posts are kept; "
            f"pupils' names in those posts {keep['posts_naming_pupils_weeks']})"
        )
    return keep[table]


def _output_weeks_row(retention: RetentionOfEverything) -> list[str]:
    weeks = retention.output_weeks
    return [
        "`output_weeks`",
        f"`{WEEKS_DIR}/` in each output folder",
        f"{weeks} {'weeks' if weeks != 1 else 'week'}",
        f"copies of a week's reports kept under `{WEEKS_DIR}/<date>/` beside the latest set; a week naming a person "
        "erased on request goes at once",
    ]


def _backup_weeks_row(retention: RetentionOfEverything) -> list[str]:
    weeks = retention.backup_weeks
    return [
        "`backup_weeks`",
        "the folder `socialaudit backup` writes to",
        f"{weeks} {'weeks' if weeks != 1 else 'week'}",
        "encrypted backups of the whole warehouse, as it was when each was taken, removed when a new one is "
        "written; a restore erases again everyone erased since",
    ]


def _heading_anchor(text: str) -> str:
    """The anchor the documentation site gives a heading (Python-Markdown's toc slug)."""
    words = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return re.sub(r"[-\s]+", "-", words)


# Where the documentation's sample (docs/dpia.md) finds the pages it links to instead of repeating them.
DOCS_CATALOGUE = "contracts/rules.md"
DOCS_DICTIONARY = "data-dictionary.md"


def _rules_table(rules: Sequence[RuleDescription], for_the_docs: bool) -> list[str]:
    """Each rule as a purpose: in full (its basis and what counts) for a school's DPIA, which stands alone; by a link
    to its entry in the rule catalogue for the documentation's sample, where the catalogue says it in full."""
    if not for_the_docs:
        return _table(
            ["rule", "what it checks", "policy basis", "what counts as an exception"],
            [[f"`{r.id}`", r.title, r.policy, r.what_counts] for r in rules],
        )
    return _table(
        ["rule (basis and what counts: the rule catalogue)", "what it checks"],
        [[f"[`{r.id}`]({DOCS_CATALOGUE}#{_heading_anchor(f'{r.id}: {r.title}')})", r.title] for r in rules],
    )


def render_dpia(
    school_name: str,
    retention: RetentionOfEverything,
    as_of: date,
    encrypted: bool,
    dictionary: list[dict[str, Any]],
    rules: Sequence[RuleDescription],
    for_the_docs: bool = False,
) -> str:
    """The DPIA as markdown. A school's copy stands alone; the documentation's sample (`for_the_docs`) links its
    rules to the rule catalogue and its tables to the data dictionary beside it instead of repeating them."""
    retention_rows = policy_rows(retention, as_of)
    keep = {row["rule"]: row["keep_for"] for row in retention_rows}
    lines = [
        f"# Data protection impact assessment (summary): {school_name}",
        "",
        "Generated by `socialaudit dpia` from the rule registry, the retention policy (school.toml `[retention]` "
        "and its defaults) and the warehouse's data dictionary.",
        "",
        "## What is processed, and where it comes from",
        "",
        *_table(
            ["data about", "what", "source", "held in", "kept for"],
            [
                [who, what, source, f"`{table}`", _kept_for(table, keep)]
                for table, who, what, source in CATEGORIES
            ],
        ),
        "",
        "## Why: the policy rules (each is a purpose)",
        "",
        *_rules_table(rules, for_the_docs),
        "",
        "## Lawful basis",
        "",
        LAWFUL_BASIS,
        "",
        "## How long: retention, enforced by every weekly run",
        "",
        *_table(
            ["setting", "table", "kept for", "what is deleted after that"],
            [
                *(
                    [f"`{r['rule']}`", f"`{r['table_name']}`", r["keep_for"], r["what"]]
                    for r in retention_rows
                ),
                _output_weeks_row(retention),
                _backup_weeks_row(retention),
            ],
        ),
        "",
        "Each deletion is logged with counts (`dpo.purge_log`); erasure on request is `socialaudit erase`, "
        "recorded in `dpo.erasure_log`; subject access is `socialaudit sar`.",
        "",
        "## Safeguards",
        "",
        f"- Warehouse encryption at rest: {'on' if encrypted else 'OFF (set [warehouse] encryption_key_env)'}.",
        "- Reports, exports and the warehouse are written readable by the owner only (mode 0600).",
        "- Credentials come from environment variables or Prefect Secret blocks and never appear in logs or outputs.",
        "- The DPO's SQL reads a read-only copy with file access disabled; it cannot change the warehouse.",
        "- Images are reduced to hashes; only open photo findings keep a thumbnail.",
        "- Erasure (`socialaudit erase`) reaches every copy the product made: the warehouse file is rewritten (no "
        "freed block keeps the person), the read-only copy and outputs published again, names redacted from stored "
        "posts and evidence, a trust's lake and catalog rewritten; records keep keyed hashes only, and a journal "
        "beside the warehouse lets a restore erase them again.",
        "- Backups (`socialaudit backup`) are encrypted and authenticated (AES-256-GCM, a key derived with scrypt from "
        "a backup key kept apart).",
        "- Prefect's database holds no name, handle or id (counts and opaque references); it keeps flow runs, logs "
        "and artifacts for 8 weeks and events for 7 days (`deploy/prefect-server.service`). Its API answers only "
        "callers holding its auth string (`PREFECT_SERVER_API_AUTH_STRING`) and listens on 127.0.0.1, or behind TLS "
        "where workers are on other machines.",
        "- The review app serves signed-in people only (the school's identity provider, or local accounts with "
        "argon2id password hashes), each seeing and deciding what their role allows; a critical exception is closed "
        "only by two people; beyond this machine it needs TLS.",
        "- Every view, decision, subject access export, erasure, SQL query and export is recorded with who, when and "
        "from where (`dpo.access_log`).",
        "",
        "## Where the data lives",
        "",
        *_where_the_data_lives(dictionary, for_the_docs),
        "",
    ]
    return "\n".join(lines)


def _where_the_data_lives(dictionary: list[dict[str, Any]], for_the_docs: bool) -> list[str]:
    if for_the_docs:
        return [
            f"Each table and view, with what it holds and every column: [the data dictionary]({DOCS_DICTIONARY}), "
            "generated from the same warehouse."
        ]
    return [
        "Each table and view, with what it holds and every column, is described in the data dictionary "
        "(docs/data-dictionary.md, generated from the same warehouse):",
        "",
        *[
            f"- `{schema}`: " + ", ".join(f"`{name}`" for name in names)
            for schema in SCHEMAS
            if (
                names := [
                    str(r["name"]).split(".", 1)[1]
                    for r in dictionary
                    if str(r["name"]).split(".")[0] == schema
                ]
            )
        ],
    ]


def generate_dpia(
    school_name: str,
    retention: RetentionOfEverything,
    as_of: date,
    encrypted: bool,
    rules: Sequence[RuleDescription],
    for_the_docs: bool = False,
) -> str:
    from warehouse.db import connect, migrate
    from warehouse.sql_models import apply_models

    con = connect(":memory:")
    try:
        migrate(con)
        apply_models(con)
        dictionary = describe(con)
    finally:
        con.close()
    return render_dpia(school_name, retention, as_of, encrypted, dictionary, rules, for_the_docs)
