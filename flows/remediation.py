"""Acting on a finding through the platforms: the one path the CLI (`socialaudit remediate`) and the review app take.

plan (from the read-only copy) -> the credentials checked (they must allow the action) -> the person confirms ->
the request recorded (a short write: nothing is sent unless it is on record) -> one call through the connectors ->
the platform's answer recorded -> the read-only copy published again. Each write also records who did it in the
access log (`remediate`), in the same transaction. A refusal (no permission, a scope, a limit,
the quota, credits) is recorded with what to do and changes nothing; a retry never sends a settled action again.
Wiring only: the plan, the record and the calls live in warehouse/ and connectors/."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from connectors.actions import REFUSED, WriteAnswer
from flows.config.school import Account, SchoolConfig
from flows.remediation_permissions import AccountPermission, record
from warehouse.load import now_utc
from warehouse.people import Actor
from warehouse.privacy.access_log import AccessEntry
from warehouse.remediation.actions import ACTIONS, withdrawn_with
from warehouse.remediation.plans import Plan, make_plan
from warehouse.remediation.records import Recorded, RemediationError

EXIT_DONE = 0
EXIT_NOT_DONE = 1


@dataclass(frozen=True)
class Outcome:
    """How an attempt ended: exit 0 when the platform accepted it (or it was so already, or the manual step was
    recorded), 1 otherwise; `line` says so in one line."""

    status: int
    line: str
    recorded: Recorded | None = None
    # Recorded, not sent: it waits for a second person (school.toml [remediation] second_person).
    waiting: bool = False

    @property
    def done(self) -> bool:
        return self.status == EXIT_DONE


Confirm = Callable[[Plan, AccountPermission | None], bool]


class Remediator:
    """Actions on one school's exceptions: `db` its warehouse, `config` its school.toml, `sandbox` when the platforms
    are the sandbox serving the school's dataset."""

    def __init__(self, db: Path, config: SchoolConfig, sandbox: bool, timeout_seconds: float = 120.0) -> None:
        self.db = db
        self.config = config
        self.sandbox = sandbox
        self.timeout = timeout_seconds
        self.access: AccessEntry | None = None

    # -- reading

    def plan(self, key: str, action: str) -> Plan:
        return self._read(key, action)[0]

    def _read(self, key: str, action: str) -> tuple[Plan, Recorded | None]:
        """The plan, and the action of this kind already standing on the exception (if one is)."""
        from warehouse.remediation.records import recorded_actions
        from warehouse.snapshot import open_snapshot
        from warehouse.week import copied_from

        con = open_snapshot(self.db)
        try:
            original = copied_from(con, self.db)
            if original is not None:
                # The platform would change, while the record of who changed it stayed in a copy the live
                # warehouse never reads: next week's run would find the comment gone, by nobody.
                raise RemediationError(
                    f"this warehouse is a copy of {original} (the output folders it records are that one's): an "
                    "action taken from it would be recorded only here; act from that warehouse, or run the weekly "
                    "audit from this one first if it now replaces it"
                )
            plan = make_plan(con, key, action)
            standing = [r for r in recorded_actions(con, key, action) if r.standing]
            return plan, standing[-1] if standing else None
        finally:
            con.close()

    def account_of(self, plan: Plan) -> Account:
        platform, account_id = plan.exception["platform"], str(plan.exception["account_id"])
        for account in self.config.accounts_on(platform):
            if account.id == account_id:
                return account
        raise RemediationError(
            f"{plan.exception['account']} ({account_id}) is no longer an account in school.toml: nothing can be done "
            "through it"
        )

    def endpoints(self) -> AbstractContextManager[Any]:
        from flows import offline

        return offline.endpoints(self.config.root if self.sandbox else None)

    def check(self, plan: Plan, base_url: str | None) -> AccountPermission | None:
        """What the account's credentials allow, asked of the platform now (None for a manual step)."""
        if plan.action.manual:
            return None
        from flows.plugins import check_account

        return check_account(self.config, self.account_of(plan), self.sandbox, base_url)

    def check_and_record(self, platform: str, account_id: str, checked_by: str) -> AccountPermission:
        """What the account's credentials allow, asked of its platform now through its plug-in (the check
        `socialaudit doctor` makes) and recorded where the review app reads it; raises when it cannot be asked."""
        from flows import credentials
        from flows.plugins import PLUGS, check_account
        from warehouse.db import encryption_key

        account = next((a for a in self.config.accounts_on(platform) if a.id == account_id), None)
        if account is None:
            raise RemediationError(f"{platform} account {account_id} is no longer an account in school.toml")
        with encryption_key(credentials.warehouse_key(self.config)):
            with self.endpoints() as endpoints:
                found = check_account(self.config, account, self.sandbox, PLUGS[platform].base_url(endpoints))
            record(self.db, [found], checked_by, self.timeout)
        return found

    # -- acting

    def act(
        self,
        key: str,
        action: str,
        actor: Actor,
        note: str | None,
        confirm: Confirm,
        access: AccessEntry | None = None,
    ) -> Outcome:
        """The whole attempt; RemediationError (one line) when it cannot even be planned. `access`: who acts and
        from where, recorded in the access log with each write (action `remediate`)."""
        self.access = access
        from flows import credentials
        from flows.plugins import PLUGS
        from warehouse.db import encryption_key

        with encryption_key(credentials.warehouse_key(self.config)):
            plan, standing = self._read(key, action)
            if standing is not None:
                # Done already: nothing is asked of the platform (the write below checks again, in the warehouse).
                return self._already(plan, standing)
            if plan.action.manual:
                if not confirm(plan, None):
                    return self._not_confirmed(plan)
                return self._attempt(plan, actor, note, None, None)
            with self.endpoints() as endpoints:
                base_url = PLUGS[plan.action.platform].base_url(endpoints)
                try:
                    permission = self.check(plan, base_url)
                except Exception as error:
                    # Keys that are missing, refused or of another account: recorded as refused, nothing sent.
                    reason = " ".join(str(error).split()) or type(error).__name__
                    detail = f"the credentials could not be checked: {reason}"
                    permission = AccountPermission(self.account_of(plan), None, (), (), detail, known=False)
                if not confirm(plan, permission):
                    return self._not_confirmed(plan)
                refusal = None
                if permission is not None and not permission.allows(plan.action.name):
                    refusal = permission
                return self._attempt(plan, actor, note, base_url, refusal)

    @staticmethod
    def _already(plan: Plan, held: Recorded) -> Outcome:
        settled = held.settled or {}
        line = (
            f"{plan.key}: {plan.action.name} was already done ({settled.get('outcome')} on "
            f"{settled.get('recorded_at'):%Y-%m-%d}, requested by {held.requested['actor']}): nothing was sent again"
        )
        return Outcome(EXIT_DONE, line, held)

    @staticmethod
    def _not_confirmed(plan: Plan) -> Outcome:
        return Outcome(
            EXIT_NOT_DONE, f"{plan.key}: {plan.action.name} not confirmed: nothing was done or recorded"
        )

    def _write(self, work: Callable[[Any], Any], key: str, said: Callable[[Any], str]) -> Any:
        """`work` in one short write, with the access log's entry for it (`said` of its result) in the same one."""
        from warehouse.privacy import access_log
        from warehouse.snapshot import write_with_retry

        access = self.access

        def logged(con: Any) -> Any:
            result = work(con)
            if access is not None:
                entry = replace(
                    access,
                    action="remediate",
                    object=key,
                    detail=said(result),
                    access_id=uuid.uuid4().hex,
                    accessed_at=now_utc(),
                )
                access_log.keep(con, self.db, [entry])
            return result

        return write_with_retry(self.db, logged, timeout_seconds=self.timeout)

    def _publish(self) -> None:
        from warehouse.reviews import republish_snapshot

        republish_snapshot(self.db, self.timeout)

    def _week(self, con: Any) -> Any:
        from warehouse.reviews import latest_week

        week = latest_week(con)
        if week is None:
            raise RemediationError("no weekly run is recorded in this warehouse")
        return week

    def _attempt(
        self,
        plan: Plan,
        actor: Actor,
        note: str | None,
        base_url: str | None,
        refusal: AccountPermission | None,
    ) -> Outcome:
        from warehouse.remediation.ledger import begin, settle

        # Refused by the credentials: recorded at once, never left waiting for a second person.
        second = self.config.remediation.second_person and not plan.action.reversible and refusal is None
        name, key = plan.action.name, plan.key
        sending = "recorded as done by hand" if plan.action.manual else "requested"
        begun = self._write(
            lambda con: begin(
                con, plan.request(self._week(con)), actor, note, second, manual=plan.action.manual
            ),
            key,
            lambda b: f"{name}: {b.message or sending}",
        )

        def settled(outcome: str, response: Any, text: str | None = None) -> Recorded:
            found: Recorded = self._write(
                lambda con: settle(con, begun.remediation_id, actor, outcome, response, text),
                key,
                lambda _: f"{name}: {outcome}",
            )
            return found

        if begun.already is not None:
            return self._already(plan, begun.already)
        if begun.waiting:
            self._publish()
            return Outcome(
                EXIT_NOT_DONE,
                f"{key}: {name} recorded, not sent: it cannot be undone and school.toml [remediation] second_person "
                "asks a second person to confirm it (they run the same command, or confirm it in the review app)",
                waiting=True,
            )
        if refusal is not None:
            reason = f"refused before anything was sent: {refusal.detail}"
            recorded = settled(REFUSED, {"sent": False, "reason": reason, "granted": refusal.granted})
            if refusal.known:  # what the credentials allow, not a check that could not be made
                record(self.db, [refusal], "remediate", self.timeout, publish=False)
            self._publish()
            return Outcome(EXIT_NOT_DONE, f"{key}: {name} {reason}", recorded)
        if plan.action.manual:
            recorded = settled("done-by-hand", {"sent": False}, note)
            self._publish()
            return Outcome(
                EXIT_DONE,
                f"{key}: done by hand by {actor.label}, recorded; next week's run checks it took effect",
                recorded,
            )
        answer = self._send(plan, base_url)
        recorded = settled(answer.outcome, answer.response())
        if answer.lacking is not None:
            self._lacking(plan, answer)
        self._publish()
        prefix = f"{begun.message}; " if begun.message else ""
        if answer.done:
            line = f"{key}: {prefix}{name} {answer.outcome}: {answer.reason}; next week's run checks it took effect"
            return Outcome(EXIT_DONE, line, recorded)
        return Outcome(EXIT_NOT_DONE, f"{key}: {prefix}{name} {answer.outcome}: {answer.reason}", recorded)

    def _lacking(self, plan: Plan, answer: WriteAnswer) -> None:
        """The platform said the credentials cannot do this: record that the account's actions of this kind are not
        offered until doctor finds otherwise."""
        account = self.account_of(plan)
        same = withdrawn_with(plan.action)
        others = [
            a.name for a in ACTIONS.values() if a.platform in ("any", account.platform) and a.name not in same
        ]
        found = AccountPermission(account, None, tuple(others), tuple(same), answer.reason)
        record(self.db, [found], "remediate", self.timeout, publish=False)

    def _send(self, plan: Plan, base_url: str | None) -> WriteAnswer:
        """The one call (or, for a video's status, the read and the update) through the connectors."""
        from flows.plugins import PLUGS

        account = self.account_of(plan)
        send = PLUGS[account.platform].send
        return send(self.config, account, self.sandbox, base_url, plan.action.name, list(plan.targets))


@dataclass(frozen=True)
class AppActing:
    """What the review app acts through for one school (dashboards/review_actions.py `Act`): an action, the
    person's confirmation being the ticked box the app's route checked; and the account's permissions, checked on
    first use and recorded."""

    remediator: Remediator

    def __call__(self, key: str, action: str, actor: Actor, note: str | None, access: AccessEntry) -> Outcome:
        return self.remediator.act(key, action, actor, note, lambda plan, permission: True, access)

    def check_permissions(self, platform: str, account_id: str) -> None:
        self.remediator.check_and_record(platform, account_id, "review-app")
