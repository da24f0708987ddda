"""Weeks kept (issue 25, item 4): three weekly runs keep each week's set in --out/weeks/<as_of>/ beside the latest set,
published in the same step, the oldest removed by [retention] output_weeks; `publish` files a week again."""

from __future__ import annotations

import json
from pathlib import Path

from dashboards.manifest import SCHOOL_OUTPUTS

WEEKS = ("2026-11-02", "2026-11-09", "2026-11-16")
SET = sorted([*SCHOOL_OUTPUTS, "manifest.json"])


def files_of(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


def test_three_mondays_keep_two_weeks_beside_the_latest_set(tmp_path: Path, audit, socialaudit) -> None:
    seen: dict[str, dict[str, bytes]] = {}
    for as_of in WEEKS:
        done = audit(toml="[retention]\noutput_weeks = 2\n", as_of=as_of, root=tmp_path)
        assert done.result.returncode == 0, done.result.stderr[-2000:]
        seen[as_of] = files_of(done.out)
        assert sorted(seen[as_of]) == SET
        assert json.loads(seen[as_of]["manifest.json"])["as_of"] == as_of
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [*SET, "weeks"]
    assert files_of(out) == seen[WEEKS[-1]]  # the top level is the latest set, exactly
    # output_weeks = 2: the week two weeks before the last was removed when the last was published.
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS[1:])
    for as_of in WEEKS[1:]:
        assert files_of(out / "weeks" / as_of) == seen[as_of]

    # Publishing an earlier week again (no --config: nothing pruned) refiles that week and makes it the latest.
    again = socialaudit("publish", "--db", str(tmp_path / "w.duckdb"), "--out", str(out), "--as-of", WEEKS[1])
    assert again.returncode == 0, again.stderr
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["as_of"] == WEEKS[1]
    assert sorted(p.name for p in (out / "weeks").iterdir()) == list(WEEKS[1:])
    assert files_of(out / "weeks" / WEEKS[1]) == files_of(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
