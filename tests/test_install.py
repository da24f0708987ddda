"""A school's install holds none of the distributions the product was made to do without: read from uv.lock, what
`pip install socialaudit[review,meta]` brings (every dependency of the product and of those two extras, and theirs,
whatever their platform markers) leaves them out. `make bench` measures the install's size; this keeps the parts
that size was won from from coming back through a new dependency between two benches."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SCHOOL_EXTRAS = ("review", "meta")
# pyarrow: rows cross between DuckDB and polars through the Arrow C stream (warehouse/arrow_stream.py).
# polars' runtime wheels: from 1.34 polars ships its engine as one of these, larger than 1.33's own.
# imagehash and PyWavelets: pHash and dHash are computed in checks/media_hash.py.
LEFT_OUT = {
    "pyarrow",
    "polars-runtime-32",
    "polars-runtime-64",
    "polars-runtime-compat",
    "imagehash",
    "pywavelets",
}


def _packages() -> dict[str, list[dict[str, Any]]]:
    lock = tomllib.loads((REPO / "uv.lock").read_text(encoding="utf-8"))
    found: dict[str, list[dict[str, Any]]] = {}
    for package in lock["package"]:
        found.setdefault(package["name"], []).append(package)
    return found


def school_install(extras: tuple[str, ...] = SCHOOL_EXTRAS) -> set[str]:
    """Every distribution the product's wheel with `extras` brings in, by the lock's names."""
    packages = _packages()
    wanted: list[tuple[str, tuple[str, ...]]] = [("socialaudit", extras)]
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    while wanted:
        name, its_extras = wanted.pop()
        for part in ("", *its_extras):
            if (name, part) in seen:
                continue
            seen.add((name, part))
            names.add(name)
            for package in packages[name]:
                needs = (
                    package.get("optional-dependencies", {}).get(part, [])
                    if part
                    else package.get("dependencies", [])
                )
                wanted.extend((need["name"], tuple(need.get("extra", ()))) for need in needs)
    return names


def test_the_school_install_leaves_out_what_the_product_does_without() -> None:
    install = school_install()

    assert install & LEFT_OUT == set()
    # The walk reaches the extras' own dependencies and the platform clients (a walk that found nothing passes
    # nothing).
    assert {"facebook-business", "pycountry", "uvicorn", "great-expectations", "scipy", "polars"} <= install


def test_the_developers_tools_are_not_part_of_it() -> None:
    install = school_install()
    developers = {need["name"] for need in _packages()["socialaudit"][0]["dev-dependencies"]["dev"]}

    # imagehash holds the product's hashes against its own in the tests; pytest and the rest never ship.
    assert "imagehash" in developers
    assert developers - install >= {"imagehash", "pytest", "playwright", "scikit-image"}
