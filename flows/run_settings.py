"""What the run passes to the connectors and the checks, read from school.toml."""

from __future__ import annotations

from checks.audit import AuditSettings
from checks.findings import ConfiguredAccount, Thresholds
from connectors.paging import RetryPolicy
from flows.config.school import SchoolConfig


def retry_policy(config: SchoolConfig) -> RetryPolicy:
    return RetryPolicy(
        max_retries=config.api.max_retries,
        backoff_seconds=config.api.backoff_seconds,
        max_wait_seconds=config.api.max_wait_seconds,
    )


def audit_settings(config: SchoolConfig) -> AuditSettings:
    return AuditSettings(
        school_name=config.name,
        accounts=tuple(
            ConfiguredAccount(a.platform, a.id, a.handle, a.approved_by, a.approved_on)
            for a in config.accounts
        ),
        thresholds=Thresholds(
            exception=config.rules.exception_threshold,
            review_floor=config.rules.review_floor,
            media_hash_max_distance=config.rules.media_hash_max_distance,
        ),
        email_domains=config.email_domains,
        phones=config.phones,
        options=config.rules.options,
        disabled=config.rules.disabled,
    )
