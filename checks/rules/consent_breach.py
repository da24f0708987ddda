"""consent-breach: published media whose approval pictures a pupil without photo consent, or one who has left.

Policy: cornist-park.txt Code of Conduct for Social Networking, bledington.txt A and C, corbets-tey.txt §6.
What counts: a post's image or a video thumbnail that an approval is about (naming the post or video id, or its
file's pHash within the match distance, on any platform: who is pictured does not depend on where) whose
`pupils_pictured` includes a pupil whose `photo_consent` is refused or withdrawn, or who has left, in today's
registers: a consent withdrawn this week flags a photo published last year. One exception per post or video,
critical; person_id the first such pupil (`former_pupil` for a leaver); the evidence names the approval, the media
key and every such pupil.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checks.findings import Finding, RuleContext
from checks.rule_support.media import Approvals, load_approvals, load_published_media
from checks.rule_support.posts import post_finding
from checks.rule_support.rule import Rule

PUPILS_SQL = (
    "SELECT person_id, status, photo_consent, leaving_date FROM marts.dim_register_people"
    " WHERE person_kind = 'pupil'"
)


@dataclass(frozen=True)
class Problem:
    pupil_id: str
    person_kind: str | None
    why: str


def _problem(pupil_id: str, pupils: dict[str, tuple[Any, ...]]) -> Problem | None:
    record = pupils.get(pupil_id)
    if record is None:
        return Problem(pupil_id, None, "is not in pupils.csv, so no consent can be shown")
    status, consent, left_on = record
    if status == "left":
        when = f" on {left_on.isoformat()}" if left_on else ""
        return Problem(pupil_id, "former_pupil", f"left the school{when}")
    if consent != "granted":
        return Problem(pupil_id, "pupil", f"photo consent is {consent}")
    return None


def find(ctx: RuleContext) -> list[Finding]:
    pupils = {r[0]: r[1:] for r in ctx.con.execute(PUPILS_SQL).fetchall()}
    approvals = Approvals(load_approvals(ctx.con, read_once=ctx.read_once))
    max_distance = ctx.thresholds.media_hash_max_distance
    findings = []
    for post in load_published_media(ctx.con, read_once=ctx.read_once):
        problems: dict[str, Problem] = {}
        lines: list[str] = []
        for image in post.images:
            for approval, how in approvals.about(image, max_distance):
                found = [p for p in (_problem(pid, pupils) for pid in approval["pupils_pictured"] or []) if p]
                for problem in found:
                    problems.setdefault(problem.pupil_id, problem)
                if found:
                    who = ", ".join(f"{p.pupil_id} ({p.why})" for p in found)
                    lines.append(f"{image['media_key']} is approval {how}, which pictures {who}")
        if not problems:
            continue
        first = next(iter(problems.values()))
        findings.append(
            post_finding(
                ctx,
                post,
                rule="consent-breach",
                severity="critical",
                person_kind=first.person_kind,
                person_id=first.pupil_id,
                confidence=1.0,
                evidence="published media pictures a pupil without photo consent (per the current registers): "
                + "; ".join(dict.fromkeys(lines)),
            )
        )
    return findings


RULE = Rule(
    id="consent-breach",
    title="Photos of pupils without consent, or who have left",
    general_basis="UK GDPR Art. 6 and Art. 7(3) (consent to a photo may be withdrawn, and publishing stops when it is); "
    "ICO guidance on taking photographs in schools; KCSIE (safeguarding children's images)",
    example_clauses=(
        "cornist-park.txt Code of Conduct (images only with the necessary permissions)",
        "bledington.txt A, C (pupil photos only on the school's own accounts; photos of others' children put them at risk)",
        "corbets-tey.txt §6 (pictures follow the AUP)",
    ),
    what_counts="a published image or thumbnail whose approval (by post/video id or matching library file) "
    "pictures a pupil whose photo consent is refused or withdrawn, or who has left, per today's registers",
    find=find,
    aged_out=None,
    options=(),
    remediations=("make-video-private", "delete-post", "delete-page-post", "delete-ig-media"),
    reads_images="pixels",
    reads_text=frozenset(),
)
