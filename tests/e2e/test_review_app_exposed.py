"""`socialaudit review-app` on this machine's network address, probed as a stranger on the same network would: it
will not start there without sign-in and TLS; started with them, a plain HTTP client without an account gets no
pupil data from any route, cannot pass the Host check with `Host: localhost`, cannot forge forwarded headers, a
session cookie or an identity provider's answer, and cannot guess a password for long."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dashboards.access import is_loopback
from tests.builders.audits import Audit, copy_of_week
from tests.builders.ports import free_port
from tests.builders.prefect_server import stop_group
from tests.builders.review_app import PASSWORD, csrf_in, local_accounts, sign_in
from tests.builders.tiny_dataset import build_tiny_dataset
from tests.builders.tls import make_local_tls
from warehouse.db import connect
from warehouse.privacy import access_log
from warehouse.safeguarding import row_is_safeguarding_critical

SOCIALAUDIT = Path(sys.executable).parent / "socialaudit"


def network_address() -> str:
    """This machine's address on its network (where a stranger on the LAN reaches it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = str(probe.getsockname()[0])
        except OSError:
            address = "127.0.0.1"
    if is_loopback(address):
        message = "this machine has no network address to probe from"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return address


def school_toml(folder: Path, review_app: str) -> Path:
    dataset = build_tiny_dataset(folder)
    path = dataset / "school.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + review_app, encoding="utf-8")
    return path


def review_app(config: Path, db: Path, host: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            str(SOCIALAUDIT),
            "review-app",
            "--config",
            str(config),
            "--db",
            str(db),
            "--host",
            host,
            "--port",
            str(port),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def test_it_will_not_listen_on_the_network_without_sign_in_and_tls(tmp_path: Path) -> None:
    config = school_toml(
        tmp_path / "school", '[review_app]\npublic_url = "https://review.tinylane.example"\n'
    )
    refused = subprocess.run(
        [
            str(SOCIALAUDIT),
            "review-app",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--host",
            "0.0.0.0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert refused.returncode == 1
    for missing in ("a way to sign in", "[[review_app.grants]]", "TLS"):
        assert missing in refused.stderr, refused.stderr


@pytest.fixture(scope="module")
def exposed(
    tmp_path_factory: pytest.TempPathFactory, tiny_school_week: Audit
) -> Iterator[tuple[str, Path, Path, list[str]]]:
    """The session's tiny school week, copied (the app records who asked for what in its warehouse), and its review
    app on the network address, terminating TLS itself, with local accounts: (URL, warehouse, CA file, the pupil
    data its exceptions show). Its outputs go beside the copy, as out/, where the tests read them."""
    root = tmp_path_factory.mktemp("exposed")
    address, port = network_address(), free_port()
    tls = make_local_tls(root / "tls", addresses=(address,))
    accounts = local_accounts(root, tmp_path_factory.getbasetemp() / "accounts-template")
    url = f"https://{address}:{port}"
    audited = copy_of_week(
        tiny_school_week,
        root,
        f'[review_app]\npublic_url = "{url}"\naccounts_file = "{accounts}"\n'
        f'tls_cert_file = "{tls.cert_file}"\ntls_key_file = "{tls.key_file}"\n\n'
        '[[review_app.grants]]\nrole = "viewer"\nwho = ["local:vic"]\n\n'
        '[[review_app.grants]]\nrole = "reviewer"\nwho = ["local:sam"]\n',
    )
    rows = audited.exceptions
    pupils = [r for r in rows if r["person_kind"] == "pupil" and row_is_safeguarding_critical(r)]
    assert pupils, "the tiny school's week names a pupil"
    data = [str(v) for r in pupils for v in (r["subject_id"], r["subject_label"], r["person_id"]) if v]
    server = review_app(audited.dataset / "school.toml", audited.db, address, port, root / "app.log")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/signin", verify=str(tls.ca_file), timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, (root / "app.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "the review app did not start"
                time.sleep(0.3)
        yield url, audited.db, tls.ca_file, data
    finally:
        stop_group(server)


def test_a_stranger_on_the_network_gets_no_pupil_data(exposed: tuple[str, Path, Path, list[str]]) -> None:
    url, db, ca, pupil_data = exposed
    rows = json.loads((db.parent / "out" / "exceptions.json").read_text(encoding="utf-8"))
    key = rows[0]["key"]
    address = url.split("//")[1].rsplit(":", 1)[0]
    with pytest.raises(httpx.TransportError):  # no plain http on the port: only a TLS handshake is answered
        httpx.get(url.replace("https://", "http://") + "/", timeout=5).raise_for_status()
    stranger = httpx.Client(base_url=url, verify=str(ca), timeout=10)
    for method, path in (
        ("GET", "/"),
        ("GET", f"/exception?key={key}"),
        ("GET", "/access-log"),
        ("POST", "/review"),
        ("POST", "/signout"),
        ("GET", "/signin/callback?code=forged&state=forged"),
        ("GET", "/signin/oidc"),
    ):
        answer = stranger.request(
            method,
            path,
            data={"key": key, "decision": "acknowledge", "note": "n"} if method == "POST" else None,
        )
        assert answer.status_code in (200, 303, 403, 404), (path, answer.status_code)
        assert not any(value in answer.text for value in pupil_data), path
    assert stranger.get("/", headers={"Host": "localhost"}).status_code == 400  # the rebinding trick
    assert stranger.get("/", headers={"Host": "127.0.0.1"}).status_code == 400
    forged = httpx.Client(
        base_url=url, verify=str(ca), cookies={"__Host-socialaudit": "eyJpZGVudGl0eSI6ICJsb2NhbDpzYW0ifQ=="}
    )
    assert forged.get("/", follow_redirects=False).headers["location"].startswith("/signin")
    for _ in range(5):
        assert sign_in(stranger, "sam", "a guess at the password").status_code == 401
    assert sign_in(stranger, "sam", PASSWORD).status_code == 429  # even the right one, for a while

    viewer = httpx.Client(base_url=url, verify=str(ca), timeout=10)
    assert sign_in(viewer, "vic").status_code == 303
    listed = viewer.get("/", headers={"X-Forwarded-For": "10.9.9.9", "X-Forwarded-Proto": "http"})
    # A viewer reads no safeguarding-critical exception (a pupil's, here), and decides nothing.
    assert listed.status_code == 200 and not any(value in listed.text for value in pupil_data)
    hidden = next(r["key"] for r in rows if row_is_safeguarding_critical(r))
    assert viewer.get("/exception", params={"key": hidden}).status_code == 404
    token = csrf_in(listed.text)
    for decision_on in (key, hidden):
        decided = viewer.post(
            "/review",
            data={"key": decision_on, "decision": "false-positive", "note": "n", "csrf_token": token},
            headers={"Origin": url},
        )
        assert decided.status_code in (403, 404) and not any(value in decided.text for value in pupil_data)
    con = connect(db, read_only=True)
    try:
        stored = con.execute("SELECT identity, action, origin FROM audit.access_log").fetchall()
        assert con.execute("SELECT count(*) FROM audit.reviews").fetchone() == (0,)
    finally:
        con.close()
    entries = stored + [(e.identity, e.action, e.origin) for e in access_log.pending(db)]
    assert ("local:vic", "list", address) in entries  # the address seen, not the forged X-Forwarded-For
    assert ("local:vic", "denied", address) in entries
    assert not any(origin == "10.9.9.9" for _, _, origin in entries)
    for client in (stranger, forged, viewer):  # idle keep-alive connections would hold the app's stop up
        client.close()
