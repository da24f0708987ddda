"""Each flow's alerts in its own words, and no automation that cannot fire."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from prefect.events.actions import SendNotification

from flows.alerts import DEFAULT_FLOWS, AlertsRefused, _watches_any, automation_names, automations_for


def _by_name(flows: tuple[str, ...]) -> dict[str, str]:
    made = automations_for(flows, timedelta(days=8), uuid4())
    said = {}
    for automation in made:
        (action,) = automation.actions
        assert isinstance(action, SendNotification)
        said[automation.name] = f"{action.subject} / {action.body}"
    return said


def test_a_school_watches_its_audit_and_its_backup_by_default():
    assert DEFAULT_FLOWS == ("weekly-audit", "warehouse-backup")


def test_the_backup_gets_no_partial_automation_and_never_asks_for_the_week_to_be_run_again():
    backup = _by_name(("warehouse-backup",))
    assert len(backup) == 2 and not [n for n in backup if "partial" in n]
    assert all("run the week again" not in text for text in backup.values())
    assert all("backup" in text for text in backup.values())


def test_the_audit_keeps_its_three_automations():
    audit = _by_name(("weekly-audit",))
    assert len(audit) == 3 and list(audit) == automation_names("weekly-audit", timedelta(days=8))


def test_an_unknown_flow_is_refused():
    with pytest.raises(AlertsRefused, match="weekly-audit"):
        automations_for(("weekly-audti",), timedelta(days=8), uuid4())


def test_a_new_install_replaces_an_older_one_made_for_several_flows_at_once():
    assert _watches_any(
        "socialaudit: weekly-audit, warehouse-backup failed or crashed", ("warehouse-backup",)
    )
    assert not _watches_any("socialaudit: trust-audit partial", ("weekly-audit",))
    assert not _watches_any("someone else's automation on weekly-audit", ("weekly-audit",))


def test_a_link_prefect_cannot_make_says_what_to_set_instead(monkeypatch):
    from prefect.server.events.jinja_filters import all_filters
    from prefect.server.schemas.core import FlowRun
    from prefect.server.utilities.user_templates import (
        register_user_template_filters,
        render_user_template_sync,
    )
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL, temporary_settings

    from flows.alerts import NO_LINK

    register_user_template_filters(all_filters)
    # Prefect derives the UI's address from the API's when only that is set (as a test beside this one may have):
    # neither is set on a server started without them.
    for name in ("PREFECT_UI_URL", "PREFECT_API_URL"):
        monkeypatch.delenv(name, raising=False)
    failed = next(
        a for a in automations_for(("weekly-audit",), timedelta(days=8), uuid4()) if "failed" in a.name
    )
    (action,) = failed.actions
    assert isinstance(action, SendNotification)
    run = FlowRun(id=uuid4(), flow_id=uuid4(), name="brave-otter")
    with temporary_settings(restore_defaults={PREFECT_API_URL, PREFECT_UI_URL}):
        said = render_user_template_sync(action.body, {"flow_run": run, "flow": None})
    assert f"({NO_LINK})" in said and "(None)" not in said
