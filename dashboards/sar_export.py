"""A subject access export on disk: sar.json and one spreadsheet-safe CSV per section, owner-only."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any

from dashboards.safe_text import spreadsheet_safe


def _cell(value: Any) -> str:
    return spreadsheet_safe(
        value if value is None or isinstance(value, str) else json.dumps(value, default=str)
    )


def write_export(export: dict[str, Any], out_dir: Path) -> list[Path]:
    """sar.json plus one CSV per non-empty section, readable by the owner only."""
    out_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(out_dir, 0o700)
    written = []

    def owner_only(path: Path, text: str) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(path, 0o600)
        written.append(path)

    owner_only(out_dir / "sar.json", json.dumps(export, default=str, indent=2))
    for name, rows in export["sections"].items():
        if not rows:
            continue
        columns = list(dict.fromkeys(k for row in rows for k in row))
        buffer = io.StringIO()
        csv.writer(buffer).writerows([columns, *[[_cell(row.get(c)) for c in columns] for row in rows]])
        owner_only(out_dir / f"{name}.csv", buffer.getvalue())
    return written
