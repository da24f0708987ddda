"""Precision and recall of the identity rules against a sample school's labels, per rule and per difficulty."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

IDENTITY_RULES = (
    "pupil-follower",
    "staff-personal-follower",
    "former-pupil-follower",
    "official-follows-person",
    "pupil-comment",
)
DIFFICULTIES = ("declared", "easy", "medium", "hard")
UNDECIDABLE = "undecidable"
SEVERITIES = ("low", "medium", "high", "critical")
# Confidence bands for calibration: the observed precision of the findings in each (docs/identity.md).
BANDS = ((0.6, 0.7), (0.7, 0.8), (0.8, 0.85), (0.85, 0.9), (0.9, 0.95), (0.95, 1.0), (1.0, 1.01))
# Kinds of people who must never be reported as a pupil: a false accusation about them costs trust.
ADULT_KINDS = ("parent", "staff_personal", "staff_official")
# Labelled subjects that are not the account of the register person they name: an adult or a namesake, a relative,
# a business or organisation, an account run by someone else. None may be flagged at medium or above.
NOT_THEIRS = ("namesake", "parent", "relative", "grandparent", "business", "organisation", "run by", "adult")
FOLLOWER_RULES = ("pupil-follower", "staff-personal-follower", "former-pupil-follower")


@dataclass
class Tally:
    """Confident (medium and above) findings against the labels: true and false positives, misses."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed_as_low: int = 0  # a miss that was reported, but only as a low "possible" finding

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.missed_as_low += other.missed_as_low

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Score:
    """Everything measured on one or more sample schools."""

    tallies: dict[tuple[str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))
    low: Counter[str] = field(default_factory=Counter)  # low findings per rule (the review load)
    low_true: Counter[str] = field(default_factory=Counter)  # ... of which the labels expect
    wrong_person: Counter[str] = field(default_factory=Counter)  # true findings naming another register entry
    adults_as_pupils: list[str] = field(default_factory=list)
    not_theirs: list[str] = field(
        default_factory=list
    )  # medium+ findings about a subject labelled NOT_THEIRS
    misses: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule, case)
    false_alarms: Counter[tuple[str, str]] = field(default_factory=Counter)  # (rule, case)
    # findings of every severity by confidence band: how many, and how many the labels expect
    banded: Counter[tuple[float, float]] = field(default_factory=Counter)
    banded_true: Counter[tuple[float, float]] = field(default_factory=Counter)
    schools: int = 0
    # per school: (low findings, audience members): the review load as a share of who a person would check
    review: list[tuple[int, int]] = field(default_factory=list)
    # per school, as the report's "For a person to judge" list shows it (dashboards/report.py `to_judge`): every
    # rule's low findings (not only identity's), and the subjects they are about (one person following two of
    # the school's accounts is listed twice, judged once)
    to_judge: list[tuple[int, int, int]] = field(default_factory=list)  # (listed, subjects, audience)

    def add(self, other: Score) -> None:
        for key, tally in other.tallies.items():
            self.tallies[key].add(tally)
        self.low.update(other.low)
        self.low_true.update(other.low_true)
        self.wrong_person.update(other.wrong_person)
        self.adults_as_pupils += other.adults_as_pupils
        self.not_theirs += other.not_theirs
        self.misses.update(other.misses)
        self.false_alarms.update(other.false_alarms)
        self.banded.update(other.banded)
        self.banded_true.update(other.banded_true)
        self.schools += other.schools
        self.review += other.review
        self.to_judge += other.to_judge

    @property
    def largest_review_share(self) -> float | None:
        """The largest share of one school's audience raised as low "possible" findings."""
        shares = [low / audience for low, audience in self.review if audience]
        return max(shares, default=None)

    def rule_total(self, rule: str) -> Tally:
        total = Tally()
        for (r, difficulty), tally in self.tallies.items():
            if r == rule and difficulty != UNDECIDABLE:
                total.add(tally)
            elif r == rule:
                total.tp += tally.tp
                total.fp += tally.fp
        return total


Key = tuple[str, str, str | None, str, str, str | None]


def _norm(value: Any) -> str:
    return str(value).strip().lstrip("@").lower()


class _Accounts:
    """The official accounts a school's labels know, so an exception's `account` (the handle as configured,
    or the platform's id of the account) resolves to the account id the labels use. Labels written before
    accounts were labelled name none: then every account is one (matching as before)."""

    def __init__(self, labels: dict[str, Any]) -> None:
        self.ids: dict[tuple[str, str], str] = {}
        self.per_platform: dict[str, set[str]] = defaultdict(set)
        rows = [
            (a.get("platform"), a.get("handle"), a.get("id"))
            for a in labels.get("school", {}).get("accounts", [])
        ]
        for section in ("expected_exceptions", "expected_clear", "identities"):
            rows += [
                (e.get("platform"), e.get("account"), e.get("account_id")) for e in labels.get(section, [])
            ]
        for platform, handle, account_id in rows:
            if not platform or not account_id:
                continue
            self.ids[(platform, _norm(account_id))] = str(account_id)
            if handle:
                self.ids[(platform, _norm(handle))] = str(account_id)
            self.per_platform[platform].add(str(account_id))

    def of_label(self, row: dict[str, Any]) -> str | None:
        if row.get("account_id") and self.ids:
            return str(row["account_id"])
        return self.of_exception(row)

    def of_exception(self, row: dict[str, Any]) -> str | None:
        if not self.ids:
            return None
        platform, account = row["platform"], row.get("account")
        if account is None or str(account).strip() == "":
            # An exception that does not say: the platform's only account, if it has only one.
            only = self.per_platform.get(platform, set())
            return next(iter(only)) if len(only) == 1 else None
        # Handle or id; an account the labels do not know matches nothing.
        return self.ids.get((platform, _norm(account)), "unknown:" + _norm(account))


def _key(row: dict[str, Any], account: str | None, shared: set[Key] | frozenset[Key] = frozenset()) -> Key:
    """What a finding is about: rule, platform, official account (by id), subject kind and subject id. The
    `key` of an exception is `rule:platform:<account>:subject_kind:subject_id`; one person following two
    accounts is two findings. A subject the labels expect several findings about (a shared account naming two
    pupils: `shared`) is one finding per person, told apart by the person's register id."""
    key = (row["rule"], row["platform"], account, row["subject_kind"], str(row["subject_id"]), None)
    return (*key[:5], row.get("person_id")) if key in shared else key


def _not_theirs(truth: dict[str, Any]) -> bool:
    case = str(truth.get("case", "")).lower()
    return truth.get("truth_kind") in ADULT_KINDS or any(word in case for word in NOT_THEIRS)


def _severity_at_least(severity: str, floor: str) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(floor)


def score_school(
    labels: dict[str, Any],
    exceptions: Iterable[dict[str, Any]],
    rules: Iterable[str] = IDENTITY_RULES,
    cases: Callable[[str], bool] | None = None,
) -> Score:
    """Compare one audit's exceptions with its labels. A finding counts when rule, platform, official account,
    subject kind and subject id agree (the account as handle or id: see `_Accounts`); undecidable cases count
    for precision (a true finding is true) but not for recall. Tallies are per rule over all accounts.
    `cases`: only the labelled subjects whose case it accepts (a subset of the school, such as the compositions
    held out from tuning); findings about other subjects are left out."""
    rules = tuple(rules)
    accounts = _Accounts(labels)
    identities = {(i["platform"], str(i["subject_id"])): i for i in labels.get("identities", [])}
    audience = len(identities)  # the review load is a share of the whole audience a person would check
    score = Score(schools=1)
    wanted = [
        e
        for e in labels.get("expected_exceptions", [])
        if e["rule"] in rules and (cases is None or cases(str(e.get("case", ""))))
    ]
    per_subject = Counter(_key(e, accounts.of_label(e)) for e in wanted)
    shared = {key for key, n in per_subject.items() if n > 1}
    expected = {_key(e, accounts.of_label(e), shared): e for e in wanted}
    confident: dict[Key, dict[str, Any]] = {}
    low: dict[Key, dict[str, Any]] = {}
    listed, people = 0, set()
    for row in exceptions:
        in_subset = cases is None or cases(
            str(identities.get((row["platform"], str(row["subject_id"])), {}).get("case", ""))
        )
        if row["severity"] == "low" and in_subset:
            listed += 1
            people.add((row["platform"], row.get("subject_kind"), str(row["subject_id"])))
        if row["rule"] not in rules:
            continue
        key = _key(row, accounts.of_exception(row), shared)
        if cases is not None and key not in expected:
            truth = identities.get((row["platform"], str(row["subject_id"])))
            if truth is None or not cases(str(truth.get("case", ""))):
                continue  # about a subject outside the subset
        band = band_of(row.get("confidence"))
        if band is not None:
            score.banded[band] += 1
            score.banded_true[band] += key in expected
        if _severity_at_least(row["severity"], "medium"):
            confident[key] = row
        else:
            low[key] = row
            score.low[row["rule"]] += 1
            if key in expected:
                score.low_true[row["rule"]] += 1
    for key, wanted in expected.items():
        tally = score.tallies[(wanted["rule"], wanted["difficulty"])]
        if key in confident:
            tally.tp += 1
            if wanted.get("person_id") and confident[key].get("person_id") != wanted["person_id"]:
                score.wrong_person[wanted["rule"]] += 1
        elif wanted["difficulty"] != UNDECIDABLE:
            tally.fn += 1
            tally.missed_as_low += key in low
            score.misses[(wanted["rule"], wanted["case"])] += 1
    for key, row in confident.items():
        if key in expected:
            continue
        truth = identities.get((row["platform"], str(row["subject_id"])), {})
        difficulty = truth.get("difficulty", "unlabelled")
        score.tallies[(row["rule"], difficulty if difficulty in DIFFICULTIES else "unlabelled")].fp += 1
        score.false_alarms[(row["rule"], truth.get("case", "unlabelled"))] += 1
        if row.get("person_kind") == "pupil" and (
            truth.get("truth_kind") in ADULT_KINDS or "namesake" in str(truth.get("case", ""))
        ):
            score.adults_as_pupils.append(f"{row['rule']} {row['subject_id']} ({truth.get('case')})")
        if row["rule"] in FOLLOWER_RULES and _not_theirs(truth):
            score.not_theirs.append(
                f"{row['rule']} {row['severity']} {row['subject_id']} ({truth.get('case')})"
            )
    score.review.append((len(low), audience))
    score.to_judge.append((listed, len(people), audience))
    return score


def band_of(confidence: Any) -> tuple[float, float] | None:
    if confidence is None:
        return None
    return next((band for band in BANDS if band[0] <= float(confidence) < band[1]), None)


def calibration(score: Score) -> str:
    """Observed precision per confidence band, over findings of every severity (low included)."""
    lines = [f"{'confidence':<12} {'findings':>8} {'true':>5} {'precision':>9}"]
    for band in BANDS:
        n = score.banded.get(band, 0)
        if not n:
            continue
        label = "1.00 declared" if band[0] == 1.0 else f"{band[0]:.2f}-{band[1]:.2f}"
        lines.append(f"{label:<12} {n:>8} {score.banded_true[band]:>5} {score.banded_true[band] / n:>9.3f}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def report(score: Score, rules: Iterable[str] = IDENTITY_RULES) -> str:
    """A plain-text table: precision and recall per rule and per difficulty, then the review load."""
    lines = [f"{'rule':<26} {'difficulty':<12} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}"]
    for rule in rules:
        total = score.rule_total(rule)
        lines.append(
            f"{rule:<26} {'all':<12} {total.tp:>4} {total.fp:>4} {total.fn:>4} {_fmt(total.precision):>9} "
            f"{_fmt(total.recall):>7}"
        )
        for difficulty in (*DIFFICULTIES, UNDECIDABLE, "unlabelled"):
            tally = score.tallies.get((rule, difficulty))
            if tally is None or not (tally.tp or tally.fp or tally.fn):
                continue
            recall = None if difficulty == UNDECIDABLE else tally.recall
            lines.append(
                f"{'':<26} {difficulty:<12} {tally.tp:>4} {tally.fp:>4} {tally.fn:>4} {_fmt(tally.precision):>9} "
                f"{_fmt(recall):>7}"
            )
    lines.append("")
    per_school = sum(score.low.values()) / max(1, score.schools)
    lines.append(
        f"low-severity findings (review load) over {score.schools} schools: {sum(score.low.values())}, "
        f"{per_school:.1f} per school "
        f"({sum(score.low_true.values())} of them true) — "
        + (", ".join(f"{rule} {n}" for rule, n in sorted(score.low.items())) or "none")
    )
    share = score.largest_review_share
    if share is not None:
        audience = sum(a for _, a in score.review)
        lines.append(
            f"review load as a share of the audience: {sum(score.low.values())} of {audience} "
            f"({sum(score.low.values()) / max(1, audience):.1%}); at most {share:.1%} of one school's audience"
        )
    shares = [(n / a, p / a) for n, p, a in score.to_judge if a]
    if shares:
        lines.append(
            'the report\'s "For a person to judge" list (low findings of every rule): '
            f"{sum(n for n, _, _ in score.to_judge)} listed, about {sum(p for _, p, _ in score.to_judge)} "
            f"subjects; at most {max(n for n, _ in shares):.1%} (listed) and {max(p for _, p in shares):.1%} "
            "(subjects) of one school's audience"
        )
    lines.append(f"true findings naming another register entry: {sum(score.wrong_person.values())}")
    lines.append(
        "adults, namesakes, relatives, businesses and accounts run by others flagged by a follower rule at medium+: "
        f"{len(score.not_theirs)}" + (f" ({'; '.join(score.not_theirs)})" if score.not_theirs else "")
    )
    lines.append(
        f"parents, staff or adult namesakes flagged as pupils: {len(score.adults_as_pupils)}"
        + (f" ({'; '.join(score.adults_as_pupils)})" if score.adults_as_pupils else "")
    )
    if score.misses:
        lines.append("missed: " + ", ".join(f"{r}/{c} x{n}" for (r, c), n in sorted(score.misses.items())))
    if score.false_alarms:
        lines.append(
            "false alarms: " + ", ".join(f"{r}/{c} x{n}" for (r, c), n in sorted(score.false_alarms.items()))
        )
    return "\n".join(lines)


READ_IN_IMAGE = "text read in image"  # how pupil-named's evidence says a name was read in an image


@dataclass
class ImageNames:
    """Names read from images (pupil-named raised on a name read in an image), against the labels' image cases.

    Precision counts a name read in an image right when that child is labelled as named in the post at all (its
    text may name them too); recall is over the labels' image cases only."""

    found: int = 0
    right: int = 0
    labelled: int = 0
    recalled: int = 0
    low: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def add(self, labels: dict[str, Any], exceptions: Iterable[dict[str, Any]]) -> None:
        rows = [
            e
            for e in labels.get("expected_exceptions", labels.get("expected", []))
            if e["rule"] == "pupil-named"
        ]
        named = {(str(e["subject_id"]), e.get("person_id")) for e in rows}
        wanted = {
            (str(e["subject_id"]), e.get("person_id"))
            for e in rows
            if str(e.get("case", "")).startswith("image_")
        }
        found = set()
        for row in exceptions:
            if row["rule"] != "pupil-named" or READ_IN_IMAGE not in row["evidence"]:
                continue
            if not _severity_at_least(row["severity"], "medium"):
                self.low += 1
                continue
            found.add((str(row["subject_id"]), row.get("person_id")))
        self.found += len(found)
        self.right += len(found & named)
        self.labelled += len(wanted)
        self.recalled += len(found & wanted)
        self.misses += sorted(f"{s} {p}" for s, p in wanted - found)
        self.false_alarms += sorted(f"{s} {p}" for s, p in found - named)

    def report(self) -> str:
        precision = self.right / self.found if self.found else None
        recall = self.recalled / self.labelled if self.labelled else None
        lines = [
            f"names read from images (pupil-named, medium and above): {self.found} found, {self.right} right, "
            f"{self.recalled} of {self.labelled} labelled image cases; precision {_fmt(precision)} recall "
            f"{_fmt(recall)}; low {self.low}"
        ]
        lines += [f"  missed: {m}" for m in self.misses[:10]] + [
            f"  false: {f}" for f in self.false_alarms[:10]
        ]
        return "\n".join(lines)


def summary(score: Score) -> dict[str, Any]:
    """The figures a family is judged by, for the results file: P/R of each follower rule (medium and above,
    decidable cases), subjects flagged that are not the named person's own, and the review load."""
    rules = {}
    for rule in FOLLOWER_RULES:
        total = score.rule_total(rule)
        rules[rule] = {
            "precision": total.precision,
            "recall": total.recall,
            "tp": total.tp,
            "fp": total.fp,
            "fn": total.fn,
        }
    low = sum(score.low.values())
    audience = sum(a for _, a in score.review)
    return {
        "schools": score.schools,
        "rules": rules,
        "not_theirs_flagged": len(score.not_theirs),
        "not_theirs": score.not_theirs,
        "low_findings": low,
        "audience": audience,
        "low_share": low / audience if audience else None,
        "largest_school_low_share": score.largest_review_share,
        "misses": {f"{r}/{c}": n for (r, c), n in sorted(score.misses.items())},
        "false_alarms": {f"{r}/{c}": n for (r, c), n in sorted(score.false_alarms.items())},
    }


def family_table(families: dict[str, dict[str, Any]]) -> str:
    """One line per family: P/R of each follower rule, what was flagged that is not theirs, the review load."""
    heads = ("pupil P/R", "staff P/R", "former P/R")
    width = max((len(title) for title in families), default=6)
    lines = [
        f"{'family':<{width}} "
        + " ".join(f"{h:>11}" for h in heads)
        + f" {'not theirs':>10} {'low (audience)':>16}"
    ]
    for title, figures in families.items():
        pairs = [
            f"{_fmt2(figures['rules'][r]['precision'])}/{_fmt2(figures['rules'][r]['recall'])}"
            for r in FOLLOWER_RULES
        ]
        share = figures["low_share"]
        load = f"{figures['low_findings']} ({'-' if share is None else f'{share:.1%}'})"
        lines.append(
            f"{title:<{width}} "
            + " ".join(f"{p:>11}" for p in pairs)
            + f" {figures['not_theirs_flagged']:>10} {load:>16}"
        )
    return "\n".join(lines)


def _fmt2(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
