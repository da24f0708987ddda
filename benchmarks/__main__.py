"""Run every benchmark module in this package that has a `main()`, in name order; exit non-zero if any fails.
The soak (benchmarks/soak.py, about half an hour) runs on its own: `make soak`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

# Run by `make soak`; the reading profile is part of benchmarks.image_reading's output.
SEPARATE = {"soak", "reading_profile"}


def main() -> int:
    failed = []
    for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)]), key=lambda m: m.name):
        if module.name.startswith("_") or module.name in SEPARATE:
            continue
        loaded = importlib.import_module(f"benchmarks.{module.name}")
        run = getattr(loaded, "main", None)
        if run is None:
            continue
        print(f"\n# benchmarks.{module.name}\n", flush=True)
        if run() not in (0, None):
            failed.append(module.name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
