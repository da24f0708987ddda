"""Who gets into the review app, asked with a plain HTTP client as an attacker would: every route without a session,
the session cookie, signing out, the Host check, guessing passwords, forwarded headers, and one app over two
schools where a reviewer is granted only one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from checks.findings import Finding
from dashboards.access import AccessPolicy, Grant, Person, ReviewAppSettings
from dashboards.review_app import create_app
from dashboards.sign_in_state import SignInState
from dashboards.web_auth import ExposureRefused, Sessions, check_exposure
from tests.builders.findings import PUPIL_FOLLOWER, STAFF_FOLLOWER, one_run, variant
from tests.builders.review_app import PASSWORD, csrf_in, grants, local_accounts, settings, sign_in
from tests.builders.warehouse import migrated_warehouse
from warehouse.db import connect
from warehouse.snapshot import open_snapshot

BASE = "https://127.0.0.1:8765"
SCHOOL_B_PUPIL = variant(
    PUPIL_FOLLOWER, "1600000000000000099", subject_label="@b_school_pupil", person_id="PB01"
)


def school(folder: Path, findings: tuple[Finding, ...]) -> Path:
    db = migrated_warehouse(folder / "warehouse.duckdb")
    return one_run(connect(db), db, findings)


@pytest.fixture(scope="module")
def two_schools(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("two-schools")
    return {
        "school-a": school(root / "a", (PUPIL_FOLLOWER, STAFF_FOLLOWER)),
        "school-b": school(root / "b", (SCHOOL_B_PUPIL,)),
    }


@pytest.fixture
def accounts_file(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test its own accounts, and so its own sign-in state beside them (revocations, attempts)."""
    return local_accounts(tmp_path, tmp_path_factory.getbasetemp() / "accounts-template")


PUPIL_DATA = (
    PUPIL_FOLLOWER.subject_id,
    PUPIL_FOLLOWER.subject_label,
    STAFF_FOLLOWER.subject_label,
    SCHOOL_B_PUPIL.subject_label,
    "P0001",
    "declared in pupils.csv",
)


def every_route(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    found = []
    for route in app.routes:
        if isinstance(route, Route):
            found += [(method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


def test_without_a_session_every_route_gives_no_pupil_data(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    app = create_app(two_schools, settings(accounts_file, grants=grants(schools=("school-a", "school-b"))))
    routes = every_route(app)
    assert {path for _, path in routes} >= {
        "/",
        "/exception",
        "/review",
        "/remediate",
        "/access-log",
        "/signin",
        "/signout",
    }
    stranger = TestClient(app, base_url=BASE)
    params = {"school": "school-a", "key": PUPIL_FOLLOWER.key, "next": "/"}
    form = {"key": PUPIL_FOLLOWER.key, "decision": "acknowledge", "note": "n", "school": "school-a"}
    for method, path in routes:
        answer = stranger.request(
            method, path, params=params, data=form if method == "POST" else None, follow_redirects=False
        )
        assert not any(value in answer.text for value in PUPIL_DATA), (method, path)
        if path not in ("/signin", "/signin/oidc", "/signin/callback"):
            assert answer.status_code in (303, 403), (method, path, answer.status_code)
        if answer.status_code == 303:
            assert answer.headers["location"].startswith("/signin"), (method, path)
    # A made-up cookie is no session either.
    forged = TestClient(
        app, base_url=BASE, cookies={"__Host-socialaudit": "eyJpZGVudGl0eSI6ICJsb2NhbDpkc2wxIn0="}
    )
    assert forged.get("/", follow_redirects=False).status_code == 303
    reader = open_snapshot(two_schools["school-a"])
    try:
        assert reader.execute("SELECT count(*) FROM audit.reviews").fetchone() == (0,)
    finally:
        reader.close()


def test_the_session_cookie_is_secure_httponly_samesite_and_signing_out_ends_it(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    app = create_app(two_schools["school-a"], settings(accounts_file))
    client = TestClient(app, base_url=BASE)
    signed = sign_in(client, "sam")
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("__Host-socialaudit=")
    for attribute in ("secure", "httponly", "samesite=lax", "path=/"):
        assert attribute in cookie.lower(), attribute
    assert "domain=" not in cookie.lower()
    stolen = dict(client.cookies)
    assert PUPIL_FOLLOWER.subject_id in client.get("/").text
    token = csrf_in(client.get("/").text)
    client.post("/signout", data={"csrf_token": token}, headers={"Origin": BASE})
    replayed = TestClient(app, base_url=BASE, cookies=stolen)
    assert (
        replayed.get("/", follow_redirects=False).status_code == 303
    )  # revoked, though still signed and fresh


def test_sessions_expire_from_sign_in_whatever_the_activity(tmp_path: Path) -> None:
    now = [1_000_000.0]
    sessions = Sessions(hours=8, state=SignInState(tmp_path / "state.sqlite3"), clock=lambda: now[0])

    class Request:
        def __init__(self) -> None:
            self.session: dict[str, object] = {}

    request = Request()
    sessions.start(request, Person("local:sam", "Sam", "local"))  # type: ignore[arg-type]
    now[0] += 8 * 3600 - 1
    assert sessions.person(request) is not None  # type: ignore[arg-type]
    now[0] += 2
    assert sessions.person(request) is None  # type: ignore[arg-type]


def test_guessing_passwords_is_throttled(two_schools: dict[str, Path], accounts_file: Path) -> None:
    client = TestClient(create_app(two_schools["school-a"], settings(accounts_file)), base_url=BASE)
    for _ in range(5):
        assert sign_in(client, "sam", "wrong password, long").status_code == 401
    locked = sign_in(client, "sam", PASSWORD)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
    assert sign_in(client, "vic", PASSWORD).status_code == 303  # another account from here still may, for now
    assert sign_in(client, "nobody-at-all", PASSWORD).status_code == 401
    now = [0.0]
    state = SignInState(accounts_file.with_name("other-state.sqlite3"), clock=lambda: now[0])
    assert state.reserve([("k", 2)], 10) and state.reserve([("k", 2)], 10)
    assert state.reserve([("k", 2)], 10) is None
    now[0] = 11.0
    assert state.reserve([("k", 2)], 10) is not None


def test_a_signed_out_cookie_stays_refused_after_the_app_restarts(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    """With a session key that outlives the process (session_key_env), a cookie copied before signing out is still
    validly signed after a restart: the revocation must outlive the process too."""
    key = "k" * 40
    before = create_app(two_schools["school-a"], settings(accounts_file), session_key=key)
    client = TestClient(before, base_url=BASE)
    assert sign_in(client, "sam").status_code == 303
    stolen = dict(client.cookies)
    client.post("/signout", data={"csrf_token": csrf_in(client.get("/").text)}, headers={"Origin": BASE})
    restarted = create_app(two_schools["school-a"], settings(accounts_file), session_key=key)
    replayed = TestClient(restarted, base_url=BASE, cookies=stolen)
    assert replayed.get("/", follow_redirects=False).status_code == 303
    state = accounts_file.with_name("review-app-state.sqlite3")
    assert state.stat().st_mode & 0o777 == 0o600
    # A cookie signed in and not signed out still works after the restart: only the revoked one is refused.
    fresh = TestClient(before, base_url=BASE)
    assert sign_in(fresh, "vic").status_code == 303
    assert TestClient(restarted, base_url=BASE, cookies=dict(fresh.cookies)).get("/").status_code == 200


def test_forty_guesses_at_once_check_no_more_passwords_than_the_limit_and_are_logged(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from dashboards.sign_in import FAILURES_PER_ACCOUNT
    from warehouse.privacy import access_log

    app = create_app(two_schools["school-a"], settings(accounts_file))

    def guess(_: int) -> int:
        return sign_in(TestClient(app, base_url=BASE), "dee", "wrong password, long").status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(guess, range(40)))
    assert answers.count(401) == FAILURES_PER_ACCOUNT and answers.count(429) == 40 - FAILURES_PER_ACCOUNT
    entries = [e for e in access_log.pending(two_schools["school-a"]) if e.identity == "local:dee"]
    assert sum(e.action == "sign-in-failed" for e in entries) == FAILURES_PER_ACCOUNT
    assert sum(e.action == "sign-in-throttled" for e in entries) == 40 - FAILURES_PER_ACCOUNT
    assert all(e.origin == "testclient" for e in entries)


def test_host_names_other_than_the_public_one_are_refused_beyond_loopback(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    lan = settings(
        accounts_file, public_url="https://review.school.example", tls_cert_file="c", tls_key_file="k"
    )
    app = create_app(two_schools["school-a"], lan, bind_host="192.0.2.10")
    assert TestClient(app, base_url="https://localhost").get("/signin").status_code == 400
    assert TestClient(app, base_url="https://192.0.2.10").get("/signin").status_code == 400
    assert TestClient(app, base_url="http://review.school.example").get("/signin").status_code == 403
    assert TestClient(app, base_url="https://review.school.example").get("/signin").status_code == 200
    rebound = TestClient(
        create_app(two_schools["school-a"], settings(accounts_file)), base_url="http://attacker.example"
    )
    assert rebound.get("/signin").status_code == 400


def test_forwarded_headers_count_only_from_the_trusted_proxy(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    behind = settings(accounts_file, public_url="https://review.school.example", trusted_proxy="10.0.0.5")
    app = create_app(two_schools["school-a"], behind, bind_host="10.0.0.6")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    from_proxy = TestClient(app, base_url="http://review.school.example", client=("10.0.0.5", 5000))
    assert from_proxy.get("/signin", headers=forwarded).status_code == 200
    stranger = TestClient(app, base_url="http://review.school.example", client=("10.0.0.77", 5000))
    assert stranger.get("/signin", headers=forwarded).status_code == 403  # its X-Forwarded-Proto is ignored


def test_a_network_bind_needs_sign_in_grants_and_tls() -> None:
    policy = AccessPolicy((Grant("reviewer", ("local:sam",)),), ("school",))
    bare = ReviewAppSettings()
    check_exposure("127.0.0.1", bare, AccessPolicy((), ("school",)), False)  # this machine only: allowed
    with pytest.raises(ExposureRefused) as refused:
        check_exposure("0.0.0.0", bare, AccessPolicy((), ("school",)), False)
    for missing in ("public_url", "a way to sign in", "grants", "TLS"):
        assert missing in str(refused.value)
    with pytest.raises(ExposureRefused, match="TLS"):
        check_exposure("192.0.2.10", replace(bare, public_url="https://review.school.example"), policy, True)
    public = replace(bare, public_url="https://review.school.example")
    for ready in (
        replace(public, tls_cert_file="c.pem", tls_key_file="k.pem"),
        replace(public, trusted_proxy="127.0.0.1"),
    ):
        check_exposure("192.0.2.10", ready, policy, True)


def test_a_reviewer_granted_school_a_can_neither_read_nor_decide_at_school_b(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    people = replace(
        settings(accounts_file),
        grants=(
            Grant("reviewer", ("local:sam",), ("school-a",)),
            Grant("reviewer", ("local:vic",), ("school-b",)),
        ),
    )
    app = create_app(two_schools, people, names={"school-a": "School A", "school-b": "School B"})
    sam = TestClient(app, base_url=BASE)
    assert sign_in(sam, "sam").status_code == 303
    home = sam.get("/", follow_redirects=False)
    assert (
        home.status_code == 303 and home.headers["location"] == "/?school=school-a"
    )  # only one school: there
    assert PUPIL_FOLLOWER.subject_id in sam.get("/", params={"school": "school-a"}).text
    token = csrf_in(sam.get("/", params={"school": "school-a"}).text)
    for answer in (
        sam.get("/", params={"school": "school-b"}),
        sam.get("/exception", params={"school": "school-b", "key": SCHOOL_B_PUPIL.key}),
        sam.get("/access-log", params={"school": "school-b"}),
        sam.post(
            "/review",
            data={
                "school": "school-b",
                "key": SCHOOL_B_PUPIL.key,
                "decision": "acknowledge",
                "note": "n",
                "csrf_token": token,
            },
            headers={"Origin": BASE},
        ),
        # School A's page asked for with school B's key finds nothing either.
        sam.get("/exception", params={"school": "school-a", "key": SCHOOL_B_PUPIL.key}),
    ):
        assert answer.status_code == 404
        assert (
            SCHOOL_B_PUPIL.subject_label not in answer.text and SCHOOL_B_PUPIL.subject_id not in answer.text
        )
    reader = open_snapshot(two_schools["school-b"])
    try:
        assert reader.execute("SELECT status FROM audit.exceptions").fetchall() == [("new",)]
    finally:
        reader.close()


def test_a_viewer_granted_both_schools_is_offered_and_shown_each(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    people = replace(
        settings(accounts_file), grants=(Grant("viewer", ("local:vic",), ("school-a", "school-b")),)
    )
    app = create_app(two_schools, people, names={"school-a": "School A", "school-b": "School B"})
    vic = TestClient(app, base_url=BASE)
    assert sign_in(vic, "vic").status_code == 303
    home = vic.get("/", follow_redirects=False)
    assert home.status_code == 200 and "?school=school-a" in home.text and "?school=school-b" in home.text
    for slug, name in (("school-a", "School A"), ("school-b", "School B")):
        page = vic.get("/", params={"school": slug})
        assert page.status_code == 200 and f"{name} (" in page.text, slug


def test_a_local_process_cannot_forge_the_logged_address_through_a_proxy_on_this_machine(
    two_schools: dict[str, Path], accounts_file: Path
) -> None:
    """With the proxy on this machine every local process connects from its address: only the proxy's secret
    makes forwarded headers count, and then only the address the proxy itself appended."""
    from warehouse.privacy import access_log

    secret = "s" * 40
    behind = settings(
        accounts_file,
        public_url="https://review.school.example",
        trusted_proxy="127.0.0.1",
        trusted_proxy_secret_env="SOCIALAUDIT_TEST_PROXY_SECRET",
    )
    app = create_app(two_schools["school-b"], behind, proxy_secret=secret)
    local = TestClient(app, base_url="http://review.school.example", client=("127.0.0.1", 5000))
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.66"}
    assert local.get("/signin", headers=forged).status_code == 403  # plain http: its headers were ignored
    wrong = {**forged, "X-Socialaudit-Proxy": "not the secret"}
    assert local.get("/signin", headers=wrong).status_code == 403
    # Cookies are Secure: the sign-ins below go as https, so only the logged address is in question.
    browser = TestClient(app, base_url="https://review.school.example", client=("127.0.0.1", 5000))

    def failed_sign_in(headers: dict[str, str]) -> None:
        token = csrf_in(browser.get("/signin", headers=headers).text)
        answer = browser.post(
            "/signin",
            data={"name": "dee", "password": "wrong password, long", "next": "/", "csrf_token": token},
            headers={**headers, "Origin": "https://review.school.example"},
        )
        assert answer.status_code == 401

    failed_sign_in(forged)
    # What the client wrote, then the address the proxy saw, appended by the proxy with its secret.
    failed_sign_in({"X-Forwarded-For": "198.51.100.66, 203.0.113.9", "X-Socialaudit-Proxy": secret})
    origins = [e.origin for e in access_log.pending(two_schools["school-b"]) if e.action == "sign-in-failed"]
    assert origins == ["127.0.0.1", "203.0.113.9"]


def test_a_proxy_on_this_machine_needs_its_secret(tmp_path: Path) -> None:
    from flows.config.school import ConfigError, load_config
    from tests.builders.tiny_dataset import build_tiny_dataset

    school = build_tiny_dataset(tmp_path / "school") / "school.toml"
    text = school.read_text(encoding="utf-8")
    school.write_text(text + '\n[review_app]\ntrusted_proxy = "127.0.0.1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="trusted_proxy_secret_env"):
        load_config(school)
    school.write_text(
        text + '\n[review_app]\ntrusted_proxy = "127.0.0.1"\ntrusted_proxy_secret_env = "PROXY_SECRET"\n',
        encoding="utf-8",
    )
    assert load_config(school).review_app.trusted_proxy_secret_env == "PROXY_SECRET"
