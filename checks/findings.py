"""What a rule returns, and what every rule is given to look at.

Imports nothing heavy at run time (duckdb and polars are only named in annotations): school.toml's reader takes the
rules' threshold defaults from `Thresholds` without loading the checks.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb
    import polars as pl

SEVERITIES = ("low", "medium", "high", "critical")
PERSON_KINDS = ("pupil", "former_pupil", "staff", "parent")


@dataclass(frozen=True)
class Finding:
    """One exception as a rule sees it this week; the lifecycle (status, first_seen) is added later."""

    rule: str
    severity: str
    platform: str
    account: str
    subject_kind: str
    subject_id: str
    subject_label: str | None
    subject_url: str | None
    person_kind: str | None
    person_id: str | None
    confidence: float
    evidence: str
    # The official account's platform id: keys are built on it, so renaming a handle changes only the label.
    account_id: str = ""
    # A platform id that tells apart exceptions sharing a subject (two pupils replying in one comment thread);
    # empty for the one exception a subject has had since keys were first built, so its key never changes.
    key_qualifier: str = ""
    # Faces detected in the images the finding is about (unapproved-media): those showing people are listed first.
    faces_shown: int | None = None
    # What the finding rests on besides its key and the person matched (media keys, the fields and words matched):
    # a reviewer's decision reopens when this changes, never when only the evidence's wording does ("aged 11").
    # Rules that declare none rest on their evidence as written.
    basis: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.rule}: severity {self.severity!r}")
        if self.person_kind is not None and self.person_kind not in PERSON_KINDS:
            raise ValueError(f"{self.rule}: person_kind {self.person_kind!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"{self.rule}: confidence {self.confidence}")
        if not self.evidence:
            raise ValueError(f"{self.rule}: a finding needs evidence")

    @property
    def key(self) -> str:
        # Platform ids only: keys appear in logs and URLs, names never should.
        account = self.account_id or self.account
        key = f"{self.rule}:{self.platform}:{account}:{self.subject_kind}:{self.subject_id}"
        return f"{key}:{self.key_qualifier}" if self.key_qualifier else key

    def keyed_also_on(self, qualifier: str) -> Finding:
        """The same finding, its key followed by `qualifier` (a platform id, never a name)."""
        return replace(self, key_qualifier=qualifier)

    @property
    def fingerprint(self) -> str:
        """sha256 of what the finding rests on: its key, the person matched, and its basis (stored as
        `evidence_sha256`, the column decisions are compared on)."""
        basis = sorted(set(self.basis)) if self.basis is not None else [self.evidence]
        substance = [self.key, self.person_kind, self.person_id, basis]
        return hashlib.sha256(json.dumps(substance, ensure_ascii=False).encode()).hexdigest()

    def as_row(self, as_of: date) -> dict[str, Any]:
        return {
            "as_of": as_of,
            "key": self.key,
            "rule": self.rule,
            "severity": self.severity,
            "platform": self.platform,
            "account": self.account,
            "account_id": self.account_id or self.account,
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "subject_label": self.subject_label,
            "subject_url": self.subject_url,
            "person_kind": self.person_kind,
            "person_id": self.person_id,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
            "evidence_sha256": self.fingerprint,
            "faces_shown": self.faces_shown,
        }


@dataclass(frozen=True)
class Thresholds:
    """The rules' thresholds, and their defaults: school.toml's `[rules]` exception_threshold, review_floor and
    media_hash_max_distance default to these (flows/config/tables.py)."""

    # Chosen from the observed precision per confidence band on both generators: docs/identity.md, Calibration.
    exception: float = 0.85
    review_floor: float = 0.6
    media_hash_max_distance: int = 8  # bits on pHash and on dHash: docs/media-matching.md


@dataclass(frozen=True)
class ConfiguredAccount:
    """An official account as school.toml approves it."""

    platform: str
    id: str
    handle: str
    approved_by: str | None = None
    approved_on: date | None = None


@dataclass
class RuleContext:
    """Everything a rule may read: the week, the resolved identities, the warehouse (read only by convention)."""

    as_of: date
    con: duckdb.DuckDBPyConnection
    identities: pl.DataFrame
    account_labels: dict[tuple[str, str], str]
    thresholds: Thresholds = field(default_factory=Thresholds)
    school_name: str = ""
    email_domains: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    accounts: tuple[ConfiguredAccount, ...] = ()
    # Rule-specific settings from `[rules.<rule-id>]` tables in school.toml, keyed by rule id.
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What several rules read the same way in one checks pass (the published text), read once: the warehouse does
    # not change while the rules run, and in a trust's lake each query costs far more than in a file.
    read_once: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def options_for(self, rule_id: str) -> dict[str, Any]:
        return self.options.get(rule_id, {})

    def account_label(self, platform: str, account_id: str) -> str:
        return self.account_labels.get((platform, account_id), account_id)

    def severity_for(self, confidence: float, sure: str) -> str | None:
        """`sure` above the exception threshold, `low` (a possible match for a person to judge) above the floor."""
        if confidence >= self.thresholds.exception:
            return sure
        if confidence >= self.thresholds.review_floor:
            return "low"
        return None
