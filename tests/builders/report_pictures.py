"""The pictures a school's report shows beside its media findings, read back out of report.html."""

from __future__ import annotations

import re

PICTURE = re.compile(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">')


def pictures_by_row(report: str) -> dict[str, list[tuple[str, str]]]:
    """Each table row's pictures (alt text, base64), by the row's id (the exception key)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for row in re.finditer(r'<tr id="([^"]+)">(.*?)</tr>', report, re.DOTALL):
        shown = [(alt, data) for data, alt in PICTURE.findall(row.group(2))]
        if shown:
            found[row.group(1)] = shown
    return found
