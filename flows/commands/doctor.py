"""`socialaudit doctor`: check configuration, credentials, registers and warehouse, and say what to fix."""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from flows.commands.common import EXIT_COMPLETED, EXIT_FAILED
from flows.commands.init import UNFILLED
from flows.commands.parameters import Declared, config_option, db_option, one_of, sandbox_option
from flows.warehouse_location import warehouse_location

NAME = "doctor"
SECTION = "Setting up"
HELP = "check school.toml, the credentials (one cheap call each), the registers and the warehouse"


@dataclass(frozen=True)
class Check:
    area: str
    ok: bool
    message: str
    # A warning is worth reading but does not stop the audit (e.g. encryption off in a sandbox).
    warning: bool = False

    def line(self) -> str:
        label = "ok" if self.ok and not self.warning else "warn" if self.ok else "FIX"
        return f"[{label}] {self.area}: {self.message}"


def options() -> list[Declared]:
    return [
        one_of(config_option("school.toml of the live set-up"), sandbox_option(), required=True),
        db_option(),
    ]


def _guarded(area: str, probe: Callable[[], str]) -> Check:
    """Run one probe; any failure becomes a FIX line whose text is the error's own plain message."""
    try:
        return Check(area, True, probe())
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        return Check(area, False, message)


def _image_reader() -> str:
    from checks.images.reading import ready

    return f"images are read by {ready()}"


@contextlib.contextmanager
def _endpoints(sandbox: Path | None) -> Iterator[str | None]:
    if sandbox is None:
        yield None
        return
    from sandbox.server import SandboxServer

    with SandboxServer(sandbox) as server:
        yield server.url


def _credentials_area(platform: str, account: object) -> str:
    from flows.config.school import Account

    assert isinstance(account, Account)
    handle = f"@{account.handle}" if account.platform == "x" else account.handle
    named = f' (credentials "{account.credentials}")' if account.credentials else ""
    return f"{platform} credentials for {handle}{named}"


def check_credentials(config: object, sandbox: bool, base_url: str | None) -> list[Check]:
    """One cheap call of each kind a run makes, per configured account, with that account's own credentials."""
    from flows.config.school import SchoolConfig

    assert isinstance(config, SchoolConfig)
    checks = [
        _guarded(_credentials_area("X", a), _x_probe(config, a, sandbox, base_url))
        for a in config.accounts_on("x")
    ]
    checks += [
        _guarded(_credentials_area("YouTube", a), _youtube_probe(config, a, sandbox, base_url))
        for a in config.accounts_on("youtube")
    ]
    for name, label in (("facebook", "Facebook"), ("instagram", "Instagram")):
        checks += [
            _meta_check(_credentials_area(label, a), config, a, sandbox, base_url)
            for a in config.accounts_on(name)
        ]
    return checks


def _meta_check(area: str, config: object, account: object, sandbox: bool, base_url: str | None) -> Check:
    from flows.plugins import meta

    ok, message, warning = meta.credentials_check(config, account, sandbox, base_url)
    return Check(area, ok, message, warning)


def _x_probe(config: object, account: object, sandbox: bool, base_url: str | None) -> Callable[[], str]:
    from connectors import x as xapi
    from connectors.paging import RetryPolicy
    from connectors.x_cost import XPrices, estimate_cost
    from flows import credentials
    from flows.config.school import Account, SchoolConfig

    assert isinstance(config, SchoolConfig) and isinstance(account, Account)

    def probe() -> str:
        policy = RetryPolicy(max_retries=1, backoff_seconds=0.5, max_wait_seconds=5)
        keys = credentials.x_credentials_for_account(config, account, sandbox)
        client = xapi.make_x_client(keys, base_url=base_url)
        me = xapi.get_account(client, policy)["data"]
        if str(me.get("id")) != account.id:
            raise RuntimeError(
                f"the X keys belong to @{me.get('username')} (id {me.get('id')}), not @{account.handle} "
                f"({account.id}): generate the access token while signed in as @{account.handle} and put "
                f"the keys in {credentials.credential_places(config, account)}"
            )
        # The routes a run reads, once each: one follower, one page of posts (a few cents at most).
        xapi.probe_followers(client, account.id, policy)
        xapi.probe_posts(client, account.id, policy)
        prices = XPrices(config.api.x_app_owned_by_account)
        weekly = estimate_cost(me, since_id="weekly", prices=prices)
        first = estimate_cost(me, since_id=None, prices=prices)
        cap = config.api.max_x_cost_per_run
        over = (
            f"; ABOVE [api] max_x_cost_per_run = ${cap:.2f}, so runs will stop before reading followers"
            if weekly.usd > cap
            else ""
        )
        owned = (
            f"school.toml says the developer app belongs to @{account.handle} ([api] x_app_owned_by_account = "
            "true): X bills owned reads only if so, and no API shows an app's owner, so check in the X developer "
            f"console that the app was created signed in as @{account.handle}"
            if config.api.x_app_owned_by_account
            else "school.toml does not say the developer app belongs to the account ([api] "
            "x_app_owned_by_account = false): priced at $0.010 a follower and $0.005 a post; set it true once the "
            f"X developer console shows the app was created signed in as @{account.handle} (owned reads, $0.001)"
        )
        return (
            f"get_me answered as @{me.get('username')}, the configured account; one followers page and one posts "
            f"page read; {owned}; estimated X cost per weekly run {weekly.describe()}, plus $0.005 per post with "
            f"open exceptions looked up (first run ${first.usd:.2f}){over}"
        )

    return probe


def _youtube_probe(config: object, account: object, sandbox: bool, base_url: str | None) -> Callable[[], str]:
    from connectors import youtube as ytapi
    from connectors.errors import AuthFailure, ScopeMissing
    from connectors.paging import RetryPolicy
    from flows import credentials
    from flows.config.school import Account, SchoolConfig

    assert isinstance(config, SchoolConfig) and isinstance(account, Account)

    def probe() -> str:
        policy = RetryPolicy(max_retries=1, backoff_seconds=0.5, max_wait_seconds=5)
        keys = credentials.youtube_credentials_for_account(config, account, sandbox)
        client = ytapi.make_youtube_client(keys, base_url=base_url)
        fix = (
            f"run `socialaudit auth youtube --client-secrets FILE` signed in as the owner of {account.handle} "
            f"and put its token in {credentials.credential_places(config, account)}"
        )
        try:
            # The calls a run makes, once each: a token refresh, the channel it signed in as, one comment listing.
            scopes = ytapi.refresh_sign_in(client, policy)
            channel = ytapi.channel_snapshot(client, account.id, policy, mine=True)
            ytapi.probe_comments(client, account.id, policy)
        except ScopeMissing as error:
            raise RuntimeError(
                f"{error.detail.split(':', 1)[0]}: the token was granted "
                f"{', '.join(s.rsplit('/', 1)[-1] for s in scopes) or 'other scopes'} but comments need "
                f"youtube.force-ssl: {fix} (it asks for that scope)"
            ) from None
        except AuthFailure as error:
            raise RuntimeError(f"{error}: {fix}") from None
        units = ytapi.expected_weekly_units(channel.items[0])
        return (
            f"token refreshed, channels.list (mine) and commentThreads.list answered for {account.id}; expected "
            f"quota per weekly run about {units} units of the Google Cloud project's {ytapi.DAILY_QUOTA:,} a day "
            "(shared by every channel the project reads that day)"
        )

    return probe


def check_proxy() -> list[Check]:
    """Which proxy the platform calls go through: requests (X) and httplib2 (YouTube) read HTTPS_PROXY, httplib2
    only with PySocks installed (without it, every YouTube call fails)."""
    from connectors import youtube as ytapi

    proxy = ytapi.proxy_in_use()
    if proxy is None:
        return [
            Check(
                "proxy",
                True,
                "none set: X and YouTube are called directly (set HTTPS_PROXY if the network needs one)",
            )
        ]
    if not ytapi.proxy_supported():
        return [
            Check(
                "proxy",
                False,
                f"HTTPS_PROXY is {proxy} but PySocks is not installed, so YouTube cannot use it: run `make setup`",
            )
        ]
    return [
        Check("proxy", True, f"X and YouTube calls go through {proxy} (HTTPS_PROXY; PySocks is installed)")
    ]


def check_registers(config: object) -> list[Check]:
    """Load and validate the registers as the run would today: refusals to fix, warnings worth reading."""
    from datetime import date

    from checks.registers.loading import load_and_validate_registers
    from checks.registers.problems import RegisterError
    from flows.config.school import SchoolConfig

    assert isinstance(config, SchoolConfig)
    try:
        registers, _ = load_and_validate_registers(
            config.registers_dir, date.today(), config.registers.columns
        )
    except RegisterError as error:
        return _register_refusal(config.registers_dir, config.registers.columns, error)
    except Exception as error:
        return [Check("registers", False, f"{type(error).__name__}: {' '.join(str(error).split())}")]
    counts = (
        f"{registers.pupils.height} pupils, {registers.staff.height} staff, {registers.parents.height} parents, "
        f"{registers.approved_media.height} approved media"
    )
    checks = [Check("registers", True, counts)]
    for warning in registers.warnings:
        where = " ".join(
            part
            for part in (
                warning.file,
                f"line {warning.line}" if warning.line else "",
                f"column {warning.column}" if warning.column else "",
            )
            if part
        )
        checks.append(Check("register warning", True, f"{where}: {warning.message}", warning=True))
    return checks


def _register_refusal(registers_dir: Path, columns: object, error: object) -> list[Check]:
    """A refusal as lines to fix; when required columns are missing from a header, the headers each file has and
    ONE mapping block to paste into school.toml instead of a line per column (the rows' own problems follow once
    the header is mapped)."""
    from checks.registers.contract import REGISTER_SPECS
    from checks.registers.presets import found_headers, mapping_block, suggested_mapping
    from checks.registers.problems import RegisterError

    assert isinstance(error, RegisterError)
    missing: dict[str, list[str]] = {}
    for problem in error.problems:
        if problem.message == "is missing from the header" and problem.column:
            missing.setdefault(problem.file, []).append(problem.column)
    if not missing:
        return [Check("registers", False, str(problem)) for problem in error.problems]
    headers = found_headers(registers_dir)
    mapped = columns if isinstance(columns, dict) else {}
    checks, mappings, unmatched = [], {}, {}
    for name, spec in REGISTER_SPECS.items():
        found = headers.get(name)
        if found is not None:
            checks.append(Check("registers", True, f"{spec.file} has the headers: {', '.join(found)}"))
        file = next((f for f in missing if f.removesuffix(".xlsx").removesuffix(".csv") == name), None)
        if file is None or found is None:
            continue
        # What school.toml already maps stays; the guess only fills in the columns still missing.
        already = dict(mapped.get(name, {}))
        guessed = suggested_mapping(name, [h for h in found if h not in already])
        mapping = {**already, **{h: c for h, c in guessed.items() if c not in already.values()}}
        mappings[name] = mapping
        unmatched[name] = [column for column in missing[file] if column not in mapping.values()]
    block = mapping_block(mappings, unmatched)
    checks.append(
        Check(
            "registers",
            False,
            "required columns are missing from the header of "
            f"{', '.join(missing)}; map the export's own headers: paste this into school.toml (check each line "
            "against the export, fill in any line left as a comment), then run doctor again\n" + block,
        )
    )
    checks.extend(
        Check("registers", False, str(problem)) for problem in error.problems if problem.file not in missing
    )
    return checks


def check_register_freshness(config: object, history: list) -> list[Check]:
    """A register file unchanged for [registers] stale_after_weeks, as the next run would warn."""
    from datetime import date

    from checks.registers.staleness import register_file_hashes, stale_warnings
    from flows.config.school import SchoolConfig

    assert isinstance(config, SchoolConfig)
    files, sources = register_file_hashes(config.registers_dir)
    stale = stale_warnings(files, sources, history, date.today(), config.registers.stale_after_weeks)
    return [Check("register warning", True, str(warning), warning=True) for warning in stale]


def check_warehouse(config: object, db: Path) -> list[Check]:
    from flows import credentials
    from flows.config.school import SchoolConfig
    from warehouse.db import applied_versions, connect, discover_migrations, use_encryption_key
    from warehouse.register_versions import pending_holds, register_history
    from warehouse.snapshot import is_lock_conflict, snapshot_path

    assert isinstance(config, SchoolConfig)
    checks = []
    try:
        key = credentials.warehouse_key(config)
    except Exception as error:
        return [Check("warehouse key", False, str(error))]
    configured = config.warehouse.encryption_key_env or config.warehouse.encryption_key_secret
    checks.append(
        Check(
            "encryption at rest",
            True,
            "a key is configured"
            if key
            else "off: set [warehouse] encryption_key_env in school.toml and that variable (the warehouse holds "
            "children's data); start a new warehouse file when you turn it on",
            warning=not key,
        )
    )
    if configured and not key:
        return checks
    if not db.exists():
        checks.append(Check("warehouse", True, f"{db} does not exist yet; the first run creates it"))
        return checks
    use_encryption_key(key)
    try:
        import duckdb

        try:
            con = connect(db, read_only=True)
        except duckdb.IOException as error:
            if is_lock_conflict(error):
                checks.append(Check("warehouse", True, "a run is writing it right now; check again later"))
                return checks
            raise
        try:
            done = applied_versions(con)
            holds = pending_holds(con) if 4 in done else []
            history = register_history(con) if done else []
        finally:
            con.close()
        checks += check_register_freshness(config, history)
        for hold in holds:
            checks.append(
                Check(
                    f"{hold['register']} register held",
                    False,
                    f"since {hold['first_held_on']}: {' '.join(hold['reasons'])} Last week's version is in use: "
                    f"confirm the change with `socialaudit registers accept --register {hold['register']} --db {db} "
                    "--by NAME --note WHY`, or export the register again",
                )
            )
        known = [m.version for m in discover_migrations()]
        pending = [v for v in known if v not in done]
        checks.append(
            Check(
                "warehouse migrations",
                True,
                f"at {max(done, default=0)}; {len(pending)} pending (the next run applies them)"
                if pending
                else f"up to date (migration {max(done, default=0)})",
            )
        )
    except Exception as error:
        checks.append(Check("warehouse", False, " ".join(str(error).split())))
    finally:
        use_encryption_key(None)
    for path in (db, snapshot_path(db)):
        if path.exists():
            mode = path.stat().st_mode & 0o777
            checks.append(
                Check(
                    f"file mode of {path.name}",
                    not mode & 0o077,
                    "owner only"
                    if not mode & 0o077
                    else f"{oct(mode)} lets others read it: chmod 600 {path}",
                )
            )
    return checks


def check_file_modes(config: object, db: Path, sandbox: bool) -> list[Check]:
    """Every file and folder that holds personal data, or its keys, the owner's only (flows/file_modes.py). The
    registers of a sandbox (an invented school) only warn."""
    from flows.config.school import SchoolConfig
    from flows.file_modes import private_file_findings

    assert isinstance(config, SchoolConfig)
    checks = []
    for finding in private_file_findings(config.registers_dir, db):
        lenient = sandbox and finding.area.endswith("registers")
        checks.append(
            Check(finding.area, finding.ok or lenient, finding.message, warning=lenient and not finding.ok)
        )
    return checks


def diagnose(config_path: Path, sandbox: bool, db: Path | None) -> list[Check]:
    from flows.config.school import load_config
    from flows.plugins import check_account
    from flows.remediation_permissions import doctor_checks

    try:
        config = load_config(config_path)
    except Exception as error:
        # A strict school.toml reports every problem at once: one line to fix each.
        problems = getattr(error, "problems", None) or (str(error),)
        return [Check("configuration", False, f"{problem} (fix {config_path})") for problem in problems]
    checks = [
        Check("configuration", True, f"{config_path}: {config.name}, {len(config.accounts)} account(s)")
    ]
    checks += [
        Check(
            "configuration",
            False,
            f"{account.label}: its id is still the placeholder init wrote (fix {config_path})",
        )
        for account in config.accounts
        if account.id.startswith(UNFILLED)
    ]
    db = warehouse_location(db, config)

    checks += check_registers(config)
    checks += check_proxy()
    if config.images.read:
        checks.append(_guarded("images", _image_reader))
    with _endpoints(config.root if sandbox else None) as base_url:
        checks += check_credentials(config, sandbox, base_url)
        # Which actions on findings the credentials allow (recorded for the review app, which offers no other).
        checks += [Check(*line) for line in doctor_checks(config, sandbox, base_url, db, check_account)]
    checks += check_warehouse(config, db)
    checks += check_file_modes(config, db, sandbox)
    if not sandbox:
        checks += check_schedule()
    return checks


def check_schedule() -> list[Check]:
    """The Prefect API as the worker reaches it, both deployments, a worker, the alerts (flows/schedule_health.py)."""
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        return [
            Check(
                "schedule",
                False,
                "PREFECT_API_URL is not set: scheduled runs need the Prefect server (deploy/prefect-server.service) and "
                "PREFECT_API_URL=http://127.0.0.1:4200/api (README, Production)",
            )
        ]
    from flows.schedule_health import schedule_checks

    return [Check(*line) for line in schedule_checks(api_url, os.environ.get("PREFECT_API_AUTH_STRING"))]


def run(args: argparse.Namespace) -> int:
    sandbox = args.sandbox is not None
    config_path = args.sandbox / "school.toml" if sandbox else args.config
    checks = diagnose(config_path, sandbox, args.db)
    for check in checks:
        print(check.line())
    failed = sum(not c.ok for c in checks)
    print("all good" if not failed else f"{failed} thing(s) to fix")
    return EXIT_COMPLETED if not failed else EXIT_FAILED
