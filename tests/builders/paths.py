"""Where things are: the repository."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# The packages the product is made of (what a school installs runs from these; sandbox/ and benchmarks/ are not).
PRODUCT_PACKAGES = ("platforms", "connectors", "warehouse", "checks", "flows", "dashboards")


def product_sources() -> list[Path]:
    """Every Python file of the product's packages, in order: what a completeness test reads."""
    return [path for package in PRODUCT_PACKAGES for path in sorted((REPO / package).rglob("*.py"))]
