"""How much a ZIP a person hands in may unpack to: a bomb (a few MB that unpack to GB) is refused from the ZIP's
directory before anything is unpacked, and no member is ever unpacked past what its packed size allows.

X's JSON packs about ten to one, its images and videos hardly at all: a member over RATIO_FLOOR_BYTES that unpacks
to more than MAX_RATIO times its packed size is not an export. MAX_TOTAL_BYTES bounds the whole archive, as
declared and as read: an account with years of videos stays well under it.
"""

from __future__ import annotations

import zipfile

MAX_RATIO = 100
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024**3


def unpack_allowance(info: zipfile.ZipInfo) -> int:
    """The most `info` may unpack to, whatever its header declares."""
    return max(RATIO_FLOOR_BYTES, info.compress_size * MAX_RATIO)


def bomb_problem(infos: list[zipfile.ZipInfo], name: str) -> str | None:
    """Why the archive `name` is refused before anything is unpacked; None when its directory is plausible."""
    for info in infos:
        if info.file_size > unpack_allowance(info):
            return (
                f"{info.filename} in {name} would unpack {info.file_size} bytes from {info.compress_size} "
                f"(more than {MAX_RATIO} to 1): not an X export; nothing was stored"
            )
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL_BYTES:
        return f"{name} would unpack {total} bytes, over the {MAX_TOTAL_BYTES} limit: nothing was stored"
    return None
