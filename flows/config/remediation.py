"""school.toml `[remediation]`: how actions on findings are taken (socialaudit remediate, the review app)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flows.config.strict import Problems, checked_settings, sub_table


@dataclass(frozen=True)
class RemediationSettings:
    # true: an action that cannot be undone (delete-post, reject-comment, reject-comment-ban-author) is sent only
    # once a second person confirms it; the first person's request waits, recorded.
    second_person: bool = False


def parse_remediation(data: dict[str, Any], problems: Problems) -> RemediationSettings:
    table = sub_table(data, "remediation", (), problems)
    return RemediationSettings(**checked_settings(table, ("remediation",), RemediationSettings, problems))
