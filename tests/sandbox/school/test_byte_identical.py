"""The sample school is byte-identical to the one written before the generator moved (tests/golden/seed7-small).

A change meant to alter sample schools regenerates the manifest on purpose:
`cd DIR && find . -type f | sort | xargs sha256sum > tests/golden/seed7-small/dataset.sha256`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sandbox.school import write_sample

MANIFEST = Path(__file__).resolve().parents[2] / "golden" / "seed7-small" / "dataset.sha256"


def test_the_sample_school_has_not_changed_by_a_byte(tmp_path: Path) -> None:
    dataset = tmp_path / "school"
    write_sample(dataset, seed=7, size="small")
    written = {
        f"./{path.relative_to(dataset).as_posix()}": hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(dataset.rglob("*"))
        if path.is_file()
    }
    recorded = dict(
        (name, digest)
        for digest, name in (line.split(maxsplit=1) for line in MANIFEST.read_text().splitlines())
    )
    assert written == recorded
