"""A failure withheld from Prefect keeps its details in this process only (flows/school_run_log.py): pickled, as
Prefect's result storage pickles it, it is its kind alone. Whole runs: tests/e2e/test_failed_run_details.py."""

from __future__ import annotations

import pickle

from flows.school_run_log import DetailsWithheld


def test_a_withheld_failure_pickles_as_its_kind_alone() -> None:
    detail = ValueError("pupils.csv line 2 column status: 'Ada Lovelace' is not a status")
    withheld = DetailsWithheld("ValueError: pupils.csv line 2 column status (details ...)", detail=detail)

    kept = pickle.loads(pickle.dumps(withheld))

    assert str(kept) == str(withheld) and kept.detail is None
    assert b"Lovelace" not in pickle.dumps(withheld)
