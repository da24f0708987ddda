"""The great-expectations engine: it runs the suites each caller hands it over polars frames, and reports
each expectation's outcome in a shape safe to store and show.

It knows no suite: the registers' suites are in `checks.registers.suites`, the raw platform data's in
`checks.raw_data.suites`. A suite is a `SuiteSpec` (its checks, each blocking the run or not, and the columns to
derive first); this module also gives the building blocks suites are written with (`present`, `one_of`, ...).

Blocking: a suite `stops_run` when an expectation marked blocking fails; a failed non-blocking one is reported
and the run goes on.

Examples of unexpected values never carry personal data: they give row indexes, and a value only where
the column holds the school's own object ids or a fixed vocabulary (post ids, media types, privacy status).
Register results also carry `unexpected_rows`: every failing row position, not only the first few, so
each one can be named by its line.
GX takes pandas only and costs ~3 s to import, so it is imported inside `validate`, and its
ephemeral context is built once per process, as GX's kwargs readings are made to build an expectation's
configuration once per reading (`checks.gx_configuration`).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from checks import gx_configuration

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

MAX_EXAMPLES = 5
CHECK_TAG = "socialaudit_check"
BOOLEAN_TYPES = ["bool", "boolean", "BooleanDtype"]
# A register failure is shown row by row, so a register suite asks for every failing row, not a sample.
REGISTER_RESULT_FORMAT = {"result_format": "COMPLETE"}
RAW_RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
# Asked first: whether each check passed, at half the cost of either answer above (GX builds the details per
# expectation). A suite that passes with no unexpected row needs nothing more, and most weeks' suites do; any other
# is asked again for its details.
ONLY_WHETHER = {"result_format": "BOOLEAN_ONLY"}
# The checks whose full answer always counts the values it found unexpected, one by one, so that a pass without
# `mostly` means a count of 0 (tests/checks/test_validation.py holds each suite to its full answer). A type check
# is not among them: on a typed column GX checks the column's type once and counts nothing.
COUNTS_EVERY_VALUE = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_unique",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_be_between",
    }
)
# One ephemeral context per process: building it costs as much as a small suite. Suites reuse its
# dataframe assets, so concurrent validations (Prefect task threads) take turns.
_GX_LOCK = threading.Lock()
_GX_CACHE: dict[str, Any] = {}


@dataclass(frozen=True)
class SuiteResult:
    """One suite's outcome; `results` holds one JSON-ready dict per expectation.

    `blocking` says whether this suite's failures stop the run: when a failed expectation is a blocking
    one (a passing suite reports True, because its blocking checks are what would stop it). Use
    `stops_run` to decide. Each result's `unexpected_examples` are `{"row": i}` (0-based row of the
    frame), with `"value"` only where values are not personal; `check` names the expectation's purpose
    where it has one; a register suite's results add `unexpected_rows`, every failing row position.
    """

    suite: str
    success: bool
    blocking: bool
    n_rows: int
    results: list[dict[str, Any]]
    # Raw suites: what was validated (rows and suite definition), and the week whose outcome was copied
    # when those were unchanged (checks.raw_data.frames).
    content_sha256: str | None = None
    reused_from: str | None = None

    @property
    def stops_run(self) -> bool:
        return self.blocking and not self.success

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Check:
    """One expectation, whether its failure blocks the run, whether its values may be shown, and the name
    of what it checks (for checks whose failures are explained to a person, e.g. as register warnings)."""

    expectation: Expectation
    blocking: bool
    values_are_personal: bool = True
    name: str | None = None


@dataclass(frozen=True)
class Derived:
    """A column computed in polars before validation, for conditions GX cannot express on one column."""

    name: str
    sources: tuple[str, ...]
    expression: pl.Expr


@dataclass(frozen=True)
class SuiteSpec:
    kind: Literal["register", "raw"]
    checks: list[Check]
    derived: list[Derived] = field(default_factory=list)


def validate(frames: Mapping[str, pl.DataFrame], suites: Mapping[str, SuiteSpec]) -> list[SuiteResult]:
    """Run `suites[name]` over each frame `name` that has one, in the frames' order; frames without a suite are
    skipped."""
    names = [name for name in frames if name in suites]
    if not names:
        return []
    import great_expectations as gx

    with _GX_LOCK:
        data_source = _data_source(gx)
        return [_run_suite(gx, data_source, name, frames[name], suites[name]) for name in names]


def prepare() -> None:
    """Import great-expectations and build its context now (~4 s together), so that the first validation does
    not wait for them: for a caller with time to spare, such as the program while Prefect's server starts."""
    import great_expectations as gx

    with _GX_LOCK:
        _data_source(gx)


def _data_source(gx: Any) -> Any:
    if "data_source" not in _GX_CACHE:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        gx_configuration.install()
        context = gx.get_context(mode="ephemeral")
        # tqdm bars would flood the Prefect logs, one per expectation.
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        _GX_CACHE["data_source"] = context.data_sources.add_pandas("socialaudit_validation")
    return _GX_CACHE["data_source"]


def _whole_frame_batches(data_source: Any, name: str) -> Any:
    asset = next((asset for asset in data_source.assets if asset.name == name), None)
    if asset is None:
        asset = data_source.add_dataframe_asset(name)
    found = next((batches for batches in asset.batch_definitions if batches.name == "all"), None)
    return found if found is not None else asset.add_batch_definition_whole_dataframe("all")


def _run_suite(gx: Any, data_source: Any, name: str, frame: pl.DataFrame, spec: SuiteSpec) -> SuiteResult:
    result_format = REGISTER_RESULT_FORMAT if spec.kind == "register" else RAW_RESULT_FORMAT
    try:
        batch = _whole_frame_batches(data_source, name).get_batch(
            batch_parameters={"dataframe": _to_pandas(frame, spec)}
        )
        # The tag survives into each result's configuration, so results pair with checks whatever GX's order.
        tagged = [
            check.expectation.copy(update={"meta": {CHECK_TAG: position}}, deep=True)
            for position, check in enumerate(spec.checks)
        ]
        suite = gx.ExpectationSuite(name=name, expectations=tagged)
        results = (
            _passed_outright(spec, batch.validate(suite, result_format=ONLY_WHETHER))
            if _may_pass_outright(spec)
            else None
        )
        if results is None:
            outcome = batch.validate(suite, result_format=result_format)
            results = _match_results(spec, list(outcome.results))
    except Exception as error:
        # A crash before any metric ran still has to be reported per expectation, never raised.
        message = f"{type(error).__name__}: {error}"
        results = [_failed(spec, check, message) for check in spec.checks]

    success = all(result["success"] for result in results)
    failed_blocking = any(result["blocking"] and not result["success"] for result in results)
    blocking = success or failed_blocking
    return SuiteResult(suite=name, success=success, blocking=blocking, n_rows=frame.height, results=results)


def _may_pass_outright(spec: SuiteSpec) -> bool:
    """Whether a pass of every check tells the full answer: not when a check's pass may still count unexpected
    rows (passing `mostly`) or counts none (a type check on a typed column). Such a suite is asked for its full
    answer straight away."""
    return all(
        check.expectation.expectation_type in COUNTS_EVERY_VALUE
        and getattr(check.expectation, "mostly", 1) == 1
        for check in spec.checks
    )


def _passed_outright(spec: SuiteSpec, outcome: Any) -> list[dict[str, Any]] | None:
    """The results of a suite whose every check passed (`_may_pass_outright`), from GX's answer in `ONLY_WHETHER`;
    None when any check failed or raised, and the full answer is needed."""
    if not outcome.success:
        return None
    results = _match_results(spec, list(outcome.results))
    if not all(result["success"] for result in results):
        return None
    # What the full answer says of such a pass: none unexpected, so no example and no row to name.
    return [{**result, "unexpected_count": 0} for result in results]


def _to_pandas(frame: pl.DataFrame, spec: SuiteSpec) -> Any:
    """Only the columns the suite reads, with derived columns added; nested columns never reach pandas."""
    for derived in spec.derived:
        if all(source in frame.columns for source in derived.sources):
            frame = frame.with_columns(derived.expression.alias(derived.name))
    read = _columns_read(spec)
    if frame.height == 0:
        # No rows means nothing a rule could get wrong, even if an empty payload left columns out.
        missing = sorted(read - set(frame.columns))
        # Empty series, not a literal: a literal added to a frame without columns makes it one row long.
        frame = frame.with_columns(pl.Series(column, [], dtype=pl.String) for column in missing)
    return _pandas(frame.select(column for column in frame.columns if column in read))


def _pandas(frame: pl.DataFrame) -> Any:
    """`frame` as pandas, typed as polars' `to_pandas` would type it, without the pyarrow that one goes through:
    dates as datetime64, integers with gaps as floats, booleans or a column of nulls with gaps as objects."""
    import numpy as np
    import pandas as pd

    columns: dict[str, Any] = {}
    for series in frame.iter_columns():
        dtype = series.dtype
        if dtype == pl.Null:
            columns[series.name] = np.full(series.len(), None, dtype=object)
        elif dtype == pl.Date:
            columns[series.name] = series.cast(pl.Datetime("ms")).to_numpy()
        elif isinstance(dtype, pl.Datetime) and dtype.time_zone:
            # numpy has no time zones: the values come as UTC and are put back in the column's zone.
            utc = pd.Series(series.to_numpy()).dt.tz_localize("UTC")
            columns[series.name] = utc.dt.tz_convert(dtype.time_zone)
        else:
            columns[series.name] = series.to_numpy()
    return pd.DataFrame(columns, index=pd.RangeIndex(frame.height))


def _columns_read(spec: SuiteSpec) -> set[str]:
    columns: set[str] = set()
    for check in spec.checks:
        column = getattr(check.expectation, "column", None)
        if column:
            columns.add(column)
        condition_column = getattr(getattr(check.expectation, "row_condition", None), "column", None)
        if condition_column is not None:
            columns.add(condition_column.name)
    return columns


def _match_results(spec: SuiteSpec, gx_results: list[Any]) -> list[dict[str, Any]]:
    by_position = {(r.expectation_config.meta or {}).get(CHECK_TAG): r for r in gx_results}
    results = []
    for position, check in enumerate(spec.checks):
        found = by_position.get(position)
        if found is None:
            results.append(_failed(spec, check, "great-expectations returned no result for this expectation"))
        else:
            results.append(_result(spec, check, found))
    return results


def _result(spec: SuiteSpec, check: Check, gx_result: Any) -> dict[str, Any]:
    exception = _exception_message(gx_result.exception_info)
    column = getattr(check.expectation, "column", None)
    if exception and "does not exist" in exception:
        exception = _explain_missing_column(spec, column, exception)
    details = gx_result.result or {}
    success = bool(gx_result.success) and exception is None
    return _entry(spec, check, success, exception, details)


def _failed(spec: SuiteSpec, check: Check, message: str) -> dict[str, Any]:
    return _entry(spec, check, False, message, {"unexpected_count": None})


def _entry(
    spec: SuiteSpec, check: Check, success: bool, exception: str | None, details: dict[str, Any]
) -> dict[str, Any]:
    entry = {
        "expectation": check.expectation.expectation_type,
        "check": check.name,
        "column": getattr(check.expectation, "column", None),
        "success": success,
        "blocking": check.blocking,
        "unexpected_count": details.get("unexpected_count"),
        "unexpected_examples": _examples(spec, check, details),
        "exception": exception,
    }
    if spec.kind == "register":
        entry["unexpected_rows"] = [int(row) for row in details.get("unexpected_index_list") or []]
    return entry


def _exception_message(exception_info: Any) -> str | None:
    """GX gives either one info dict or a dict of them keyed by metric; a metric error is a failure."""
    if not exception_info:
        return None
    infos = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [
        str(info.get("exception_message") or "metric raised an exception")
        for info in infos
        if isinstance(info, dict) and info.get("raised_exception")
    ]
    return "; ".join(dict.fromkeys(messages)) or None


def _explain_missing_column(spec: SuiteSpec, column: str | None, exception: str) -> str:
    for derived in spec.derived:
        if derived.name == column:
            return f"cannot compute {derived.name}: the frame needs columns {', '.join(derived.sources)}"
    return exception


def _examples(spec: SuiteSpec, check: Check, details: dict[str, Any]) -> list[dict[str, Any]]:
    rows = list(details.get("partial_unexpected_index_list") or [])[:MAX_EXAMPLES]
    show_values = spec.kind == "raw" and not check.values_are_personal
    values = list(details.get("partial_unexpected_list") or []) if show_values else []
    examples: list[dict[str, Any]] = []
    for position, row in enumerate(rows):
        example: dict[str, Any] = {"row": int(row)}
        if position < len(values):
            example["value"] = _json_safe(values[position])
        examples.append(example)
    return examples


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    return str(value)


def as_timestamp(day: date) -> Any:
    # polars dates reach pandas as datetime64, which refuses to compare with datetime.date.
    import pandas as pd

    return pd.Timestamp(day)


def identity_checks(column: str) -> list[Check]:
    import great_expectations.expectations as gxe

    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column=column), blocking=True),
        Check(gxe.ExpectColumnValuesToBeUnique(column=column), blocking=True),
    ]


def present(column: str, *, blocking: bool, mostly: float = 1.0) -> Check:
    import great_expectations.expectations as gxe

    return Check(gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly), blocking=blocking)


def one_of(column: str, allowed: list[Any], *, blocking: bool, personal: bool = True) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=allowed),
        blocking=blocking,
        values_are_personal=personal,
    )


def matches(column: str, regex: str, *, blocking: bool, personal: bool = True) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex),
        blocking=blocking,
        values_are_personal=personal,
    )


def boolean(column: str, *, blocking: bool) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToBeInTypeList(column=column, type_list=BOOLEAN_TYPES), blocking=blocking
    )


def between(
    column: str, *, blocking: bool, name: str, low: Any = None, high: Any = None, status: str | None = None
) -> Check:
    """Values within [low, high] (either may be open), only on rows with that `status` when one is given."""
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    expectation = gxe.ExpectColumnValuesToBeBetween(
        column=column,
        min_value=low,
        max_value=high,
        row_condition=Column("status") == status if status else None,
    )
    return Check(expectation, blocking=blocking, name=name)


def blocking_failures(results: list[SuiteResult]) -> str | None:
    """One line naming every failed blocking expectation, or None when nothing stops the run."""
    failed = [r for r in results if r.stops_run]
    if not failed:
        return None
    return "; ".join(
        f"{r.suite}: "
        + ", ".join(f"{x['expectation']}({x.get('column') or ''})" for x in r.results if not x["success"])
        for r in failed
    )
