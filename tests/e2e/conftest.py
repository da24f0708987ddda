"""Full runs of the real `socialaudit` command share the session's Prefect server (tests/flows/conftest.py)."""

from tests.flows.conftest import prefect_api_url as prefect_api_url
from tests.flows.conftest import socialaudit as socialaudit
