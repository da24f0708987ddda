"""Great-expectations suites over the registers and raw platform frames, run before any policy rule.

Blocking policy (a failed blocking suite stops the run):
- Register suites block on any failure: every rule reads the registers, and a bad register entry makes
  findings about children wrong in ways nobody would see.
- Raw suites block only when an expectation on an identity column fails: the ids, handles and keys that
  findings are keyed on and that identity resolution matches against (a duplicated or malformed follower
  id, a username that is not an X username, a missing media key). A gap in a descriptive field (a missing
  display name, an unknown media type, a comment whose author hid their channel) is reported but the run
  goes on, because the rules can still be right about every other row.

Examples of unexpected values never carry personal data: they give row indexes, and a value only where
the column holds the school's own object ids or a fixed vocabulary (post ids, media types, privacy status).
GX (DESIGN.md §3b) takes pandas only and costs ~3 s to import, so it is imported inside `validate`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

MAX_EXAMPLES = 5
CHECK_TAG = "socialaudit_check"
BOOLEAN_TYPES = ["bool", "boolean", "BooleanDtype"]
X_USER_ID = r"^[0-9]+$"
X_USERNAME = r"^[A-Za-z0-9_]{1,15}$"
X_POST_ID = r"^[0-9]+$"
YOUTUBE_CHANNEL_ID = r"^UC[A-Za-z0-9_-]{22}$"
REGISTER_SUITES = ("pupils", "staff", "parents", "approved_media")
RAW_SUITES = (
    "x_followers",
    "x_following",
    "x_posts",
    "x_media",
    "yt_videos",
    "yt_subscribers",
    "yt_comments",
)


@dataclass(frozen=True)
class SuiteResult:
    """One suite's outcome; `results` holds one JSON-ready dict per expectation.

    `blocking` says whether this suite's failures stop the run: always for a register suite; for a raw
    suite, when a failed expectation guards an identity column (a passing suite reports True, because its
    identity checks are what would block). Use `stops_run` to decide. Each result's `unexpected_examples`
    are `{"row": i}` (0-based row of the frame), with `"value"` only where values are not personal.
    """

    suite: str
    success: bool
    blocking: bool
    n_rows: int
    results: list[dict[str, Any]]

    @property
    def stops_run(self) -> bool:
        return self.blocking and not self.success

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Check:
    """One expectation, whether its failure blocks the run, and whether its values may be shown."""

    expectation: Expectation
    blocking: bool
    values_are_personal: bool = True


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


def validate(frames: dict[str, pl.DataFrame], as_of: date) -> list[SuiteResult]:
    """Run the suite registered for each frame name present; frames without a suite are skipped."""
    names = [name for name in frames if name in SUITES]
    if not names:
        return []
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # tqdm bars would flood the Prefect logs, one per expectation.
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    data_source = context.data_sources.add_pandas("socialaudit_validation")
    return [_run_suite(gx, data_source, name, frames[name], SUITES[name](as_of)) for name in names]


def _run_suite(gx: Any, data_source: Any, name: str, frame: pl.DataFrame, spec: SuiteSpec) -> SuiteResult:
    register = spec.kind == "register"
    try:
        batch = (
            data_source.add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": _to_pandas(frame, spec)})
        )
        # The tag survives into each result's configuration, so results pair with checks whatever GX's order.
        tagged = [
            check.expectation.copy(update={"meta": {CHECK_TAG: position}}, deep=True)
            for position, check in enumerate(spec.checks)
        ]
        suite = gx.ExpectationSuite(name=name, expectations=tagged)
        outcome = batch.validate(
            suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
        )
        gx_results = list(outcome.results)
    except Exception as error:
        # A crash before any metric ran still has to be reported per expectation, never raised.
        message = f"{type(error).__name__}: {error}"
        results = [_failed(check, message) for check in spec.checks]
    else:
        results = _match_results(spec, gx_results)

    success = all(result["success"] for result in results)
    failed_blocking = any(result["blocking"] and not result["success"] for result in results)
    blocking = register or success or failed_blocking
    return SuiteResult(suite=name, success=success, blocking=blocking, n_rows=frame.height, results=results)


def _to_pandas(frame: pl.DataFrame, spec: SuiteSpec) -> Any:
    """Only the columns the suite reads, with derived columns added; nested columns never reach pandas."""
    for derived in spec.derived:
        if all(source in frame.columns for source in derived.sources):
            frame = frame.with_columns(derived.expression.alias(derived.name))
    read = _columns_read(spec)
    if frame.height == 0:
        # No rows means nothing a rule could get wrong, even if an empty payload left columns out.
        missing = sorted(read - set(frame.columns))
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column) for column in missing)
    return frame.select(column for column in frame.columns if column in read).to_pandas()


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
            results.append(_failed(check, "great-expectations returned no result for this expectation"))
        else:
            results.append(_result(spec, check, found))
    return results


def _result(spec: SuiteSpec, check: Check, gx_result: Any) -> dict[str, Any]:
    exception = _exception_message(gx_result.exception_info)
    column = getattr(check.expectation, "column", None)
    if exception and "does not exist" in exception:
        exception = _explain_missing_column(spec, column, exception)
    details = gx_result.result or {}
    return {
        "expectation": check.expectation.expectation_type,
        "column": column,
        "success": bool(gx_result.success) and exception is None,
        "blocking": check.blocking,
        "unexpected_count": details.get("unexpected_count"),
        "unexpected_examples": _examples(spec, check, details),
        "exception": exception,
    }


def _failed(check: Check, message: str) -> dict[str, Any]:
    return {
        "expectation": check.expectation.expectation_type,
        "column": getattr(check.expectation, "column", None),
        "success": False,
        "blocking": check.blocking,
        "unexpected_count": None,
        "unexpected_examples": [],
        "exception": message,
    }


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


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _timestamp(day: date) -> Any:
    # polars dates reach pandas as datetime64, which refuses to compare with datetime.date.
    import pandas as pd

    return pd.Timestamp(day)


def _identity(column: str) -> list[Check]:
    import great_expectations.expectations as gxe

    return [
        Check(gxe.ExpectColumnValuesToNotBeNull(column=column), blocking=True),
        Check(gxe.ExpectColumnValuesToBeUnique(column=column), blocking=True),
    ]


def _present(column: str, *, blocking: bool, mostly: float = 1.0) -> Check:
    import great_expectations.expectations as gxe

    return Check(gxe.ExpectColumnValuesToNotBeNull(column=column, mostly=mostly), blocking=blocking)


def _one_of(column: str, allowed: list[Any], *, blocking: bool, personal: bool = True) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=allowed),
        blocking=blocking,
        values_are_personal=personal,
    )


def _matches(column: str, regex: str, *, blocking: bool, personal: bool = True) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex),
        blocking=blocking,
        values_are_personal=personal,
    )


def _boolean(column: str, *, blocking: bool) -> Check:
    import great_expectations.expectations as gxe

    return Check(
        gxe.ExpectColumnValuesToBeInTypeList(column=column, type_list=BOOLEAN_TYPES), blocking=blocking
    )


def _pupils_suite(as_of: date) -> SuiteSpec:
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    from checks.registers import PHOTO_CONSENTS, PUPIL_STATUSES, YEAR_GROUPS

    return SuiteSpec(
        kind="register",
        checks=[
            *_identity("pupil_id"),
            _present("forename", blocking=True),
            _present("surname", blocking=True),
            _one_of("year_group", list(YEAR_GROUPS), blocking=True),
            _one_of("status", list(PUPIL_STATUSES), blocking=True),
            _one_of("photo_consent", list(PHOTO_CONSENTS), blocking=True),
            _present("date_of_birth", blocking=True),
            Check(
                gxe.ExpectColumnValuesToBeBetween(
                    column="date_of_birth",
                    min_value=_timestamp(_years_before(as_of, 20)),
                    max_value=_timestamp(_years_before(as_of, 3)),
                ),
                blocking=True,
            ),
            Check(
                gxe.ExpectColumnValuesToBeNull(
                    column="leaving_date", row_condition=Column("status") == "current"
                ),
                blocking=True,
            ),
        ],
    )


def _staff_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="register",
        checks=[
            *_identity("staff_id"),
            _present("forename", blocking=True),
            _present("surname", blocking=True),
        ],
    )


def _parents_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(kind="register", checks=[*_identity("parent_id"), _present("surname", blocking=True)])


def _approved_media_suite(as_of: date) -> SuiteSpec:
    import great_expectations.expectations as gxe

    return SuiteSpec(
        kind="register",
        checks=[
            *_identity("approval_id"),
            _present("platform", blocking=True),
            _present("file_or_post_id", blocking=True),
            Check(
                gxe.ExpectColumnValuesToBeBetween(column="approved_on", max_value=_timestamp(as_of)),
                blocking=True,
            ),
        ],
        derived=[
            Derived("file_or_post_id", ("file", "post_id"), pl.coalesce(pl.col("file"), pl.col("post_id")))
        ],
    )


def _x_users_suite(as_of: date) -> SuiteSpec:
    # Followers and following: ids and usernames are what identity resolution and findings key on.
    return SuiteSpec(
        kind="raw",
        checks=[
            *_identity("user_id"),
            _matches("user_id", X_USER_ID, blocking=True),
            _present("username", blocking=True),
            _matches("username", X_USERNAME, blocking=True),
            _present("name", blocking=False),
            _boolean("protected", blocking=False),
            _present("created_at", blocking=False),
        ],
    )


def _x_posts_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *_identity("post_id"),
            _matches("post_id", X_POST_ID, blocking=True, personal=False),
            _present("author_id", blocking=True),
            _present("text", blocking=False),
            _present("created_at", blocking=False),
        ],
    )


def _x_media_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *_identity("media_key"),
            _one_of("type", ["photo", "video", "animated_gif"], blocking=False, personal=False),
            # Photos carry `url`, videos and GIFs `preview_image_url`; a row with neither cannot be hashed.
            _present("image_url", blocking=False),
        ],
        derived=[
            Derived(
                "image_url",
                ("url", "preview_image_url"),
                pl.coalesce(pl.col("url"), pl.col("preview_image_url")),
            )
        ],
    )


def _yt_videos_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *_identity("video_id"),
            _present("title", blocking=False),
            _one_of("privacy_status", ["public", "unlisted", "private"], blocking=False, personal=False),
            _boolean("made_for_kids", blocking=False),
        ],
    )


def _yt_subscribers_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[*_identity("channel_id"), _matches("channel_id", YOUTUBE_CHANNEL_ID, blocking=True)],
    )


def _yt_comments_suite(as_of: date) -> SuiteSpec:
    return SuiteSpec(
        kind="raw",
        checks=[
            *_identity("thread_id"),
            _present("video_id", blocking=True),
            # Authors who deleted their channel come back without an id; that is YouTube, not a bad load.
            _present("author_channel_id", blocking=False, mostly=0.95),
        ],
    )


SUITES: dict[str, Callable[[date], SuiteSpec]] = {
    "pupils": _pupils_suite,
    "staff": _staff_suite,
    "parents": _parents_suite,
    "approved_media": _approved_media_suite,
    "x_followers": _x_users_suite,
    "x_following": _x_users_suite,
    "x_posts": _x_posts_suite,
    "x_media": _x_media_suite,
    "yt_videos": _yt_videos_suite,
    "yt_subscribers": _yt_subscribers_suite,
    "yt_comments": _yt_comments_suite,
}
