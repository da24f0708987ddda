"""The size of a school's install: the product's wheel in a fresh virtual environment, with the lock's pins and only
the extras a school uses, never the trust's lake extensions nor the developers' tools.

Steps: build the wheel (`uv build --wheel`), export the lock's pins for the runtime and the chosen extras
(`uv export --frozen --no-dev`), `uv venv` a fresh environment and `uv pip install` the pins and the wheel into it,
then measure it (files' sizes, each hard-linked file once). Three installs, side by side: the core (`socialaudit
run`, doctor, the DPO's commands), the core with the review app (`[review]`), and the core with every extra a school
may use (`[review]`, `[meta]`). Goal: each under 1 GB (GOAL_MB).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOAL_MB = 1000.0
# The core alone, with the review app, and with every extra a school may use (the review app, and its Facebook Page
# and Instagram account: `meta`).
INSTALLS = {"core": (), "core + review": ("review",), "core + review + meta": ("review", "meta")}


def _uv() -> str:
    found = shutil.which("uv") or str(REPO / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        raise SystemExit("uv is not installed: run `make setup` first")
    return found


def _run(*args: str, cwd: Path = REPO) -> str:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def tree_megabytes(root: Path) -> float:
    seen: set[tuple[int, int]] = set()
    total = 0
    for folder, _, files in os.walk(root):
        for name in files:
            stat = os.lstat(os.path.join(folder, name))
            if (stat.st_dev, stat.st_ino) in seen:
                continue
            seen.add((stat.st_dev, stat.st_ino))
            total += stat.st_size
    return total / 1_000_000


def largest(venv: Path, count: int = 8) -> list[tuple[str, float]]:
    """The biggest distributions installed in the environment, each with every file its RECORD lists (a package's
    folders, its bundled libraries, its data): what a change of dependency would take out."""
    (site,) = (venv / "lib").glob("python3*/site-packages")
    sizes = []
    for found in metadata.distributions(path=[str(site)]):
        total = sum(
            (site / str(file)).lstat().st_size for file in found.files or () if (site / str(file)).exists()
        )
        sizes.append((found.metadata["Name"], total / 1_000_000))
    return sorted(sizes, key=lambda item: -item[1])[:count]


def install(
    uv: str, wheel: Path, extras: tuple[str, ...], work: Path
) -> tuple[float, list[tuple[str, float]]]:
    """Megabytes of a fresh environment holding the wheel, the lock's pins and `extras`, and its biggest parts."""
    pins = work / "pins.txt"
    extra_args = [arg for extra in extras for arg in ("--extra", extra)]
    _run(
        uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", *extra_args, "-o", str(pins)
    )
    venv = work / "venv"
    _run(uv, "venv", "--quiet", "--python", "3.11", str(venv))
    python = str(venv / "bin" / "python")
    # Copies, not links into uv's cache: the environment must hold what a school's machine would.
    _run(uv, "pip", "install", "--quiet", "--link-mode=copy", "--python", python, "-r", str(pins), str(wheel))
    _run(python, "-c", "import flows.cli, checks.rules, dashboards.report, warehouse.db")
    return tree_megabytes(venv), largest(venv)


def measure() -> tuple[float, list[tuple[str, float, list[tuple[str, float]]]]]:
    """The wheel's megabytes, and each install's megabytes with its biggest parts."""
    uv = _uv()
    found = []
    with tempfile.TemporaryDirectory(prefix="install-size-") as temporary:
        work = Path(temporary)
        _run(uv, "build", "--wheel", "--quiet", "--out-dir", str(work / "dist"))
        (wheel,) = (work / "dist").glob("*.whl")
        wheel_mb = wheel.stat().st_size / 1_000_000
        for label, extras in INSTALLS.items():
            place = work / label.replace(" + ", "-")
            place.mkdir()
            megabytes, biggest = install(uv, wheel, extras, place)
            found.append((label, megabytes, biggest))
            shutil.rmtree(place)
    return wheel_mb, found


def main() -> int:
    wheel_mb, found = measure()
    print(f"wheel: {wheel_mb:.1f} MB")
    width = max(len(label) for label in INSTALLS)
    print(f"{'install':<{width}} {'MB':>8} {'of goal':>8}")
    for label, megabytes, biggest in found:
        print(f"{label:<{width}} {megabytes:>8.0f} {megabytes / GOAL_MB:>8.2f}")
        print("    largest: " + ", ".join(f"{name} {size:.0f}" for name, size in biggest))
    failed = any(megabytes >= GOAL_MB for _, megabytes, _ in found)
    print(
        f"goal: under {GOAL_MB:.0f} MB each, without the trust's extensions ({'met' if not failed else 'NOT met'})"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
