"""The labels of a sample school: the ground truth a run's findings are scored against."""

from __future__ import annotations

from typing import Any

from sandbox.school.meta_files import meta_labels
from sandbox.school.model import MediaTruth, Plant, Pupil, SampleSchool, Truth, XPost, YTComment, age_on

# The follower-type rule a person raises by following/subscribing, and the register kind it reports.
_FOLLOW_RULES = {
    "pupil": ("pupil-follower", "pupil"),
    "former_pupil": ("former-pupil-follower", "former_pupil"),
    "staff_personal": ("staff-personal-follower", "staff"),
}
_FOLLOWED_KINDS = {
    "pupil": "pupil",
    "former_pupil": "former_pupil",
    "parent": "parent",
    "staff_personal": "staff",
}


def build_labels(school: SampleSchool) -> dict[str, Any]:
    """Ground truth for the dataset, in the shape docs/interfaces.md fixes (the "Labels file"). Every row
    names the official account it is about (`account`: the handle approved in school.toml, `account_id`: the
    platform's id): a person who follows two accounts is one identity with one expected exception per account."""
    pupils = school._pupils_by_id()
    labels = _Labels(school, pupils)
    info = school.info
    labels.on(info.x_handle, info.x_id)
    for user in school.x_followers:
        labels.identity("x", "follower", user.id, "@" + user.username, user.truth)
    for user in school.x_following:
        labels.identity("x", "following", user.id, "@" + user.username, user.truth)
    labels.on(info.yt_handle, info.yt_channel_id)
    for subscription in school.yt_subscriptions:
        channel = subscription.subscriber
        labels.identity("youtube", "subscriber", channel.channel_id, channel.title, channel.truth)
    seen_commenters: set[str] = set()
    for comment in school.yt_comments:
        if comment.author.channel_id not in seen_commenters:
            seen_commenters.add(comment.author.channel_id)
            labels.identity(
                "youtube", "commenter", comment.author.channel_id, comment.author.handle, comment.author.truth
            )
        labels.comment(comment)
    labels.on(info.x_handle, info.x_id)
    for post in school.x_posts:
        labels.post(post)
    labels.on(info.yt_handle, info.yt_channel_id)
    for video in school.yt_videos:
        labels.media("youtube", video.video_id, video.video_id, video.thumbnail_truth)
        labels.content(
            "youtube", "video", video.video_id, [video.thumbnail_truth], video.plants, video.clear_cases
        )
    if info.yt_live_handle.lstrip("@").lower() != info.yt_handle.lstrip("@").lower():
        labels.expect(
            "account-drift",
            "youtube",
            "account",
            info.yt_channel_id,
            None,
            None,
            "easy",
            "youtube_handle_changed",
        )
    labels.on(info.x_handle, info.x_id)
    if school.x_account is not None and school.x_account.username.lower() != info.x_handle.lower():
        labels.expect("account-drift", "x", "account", info.x_id, None, None, "easy", "x_handle_changed")
    for more in school.x_more:
        labels.on(more.handle, more.account.id)
        for user in more.followers:
            labels.identity("x", "follower", user.id, "@" + user.username, user.truth)
        for user in more.following:
            labels.identity("x", "following", user.id, "@" + user.username, user.truth)
        for post in more.posts:
            labels.post(post)
        if more.account.username.lower() != more.handle.lower():
            labels.expect(
                "account-drift", "x", "account", more.account.id, None, None, "easy", "x_handle_changed"
            )
    if school.meta is not None:
        meta_labels(labels, school.meta)
    accounts = [{"platform": "x", "handle": info.x_handle, "id": info.x_id}]
    accounts.append({"platform": "youtube", "handle": info.yt_handle, "id": info.yt_channel_id})
    if school.meta is not None:
        accounts.append(
            {"platform": "facebook", "handle": school.meta.page_username, "id": school.meta.page_id}
        )
        accounts.append(
            {"platform": "instagram", "handle": school.meta.ig_username, "id": school.meta.ig_user_id}
        )
    accounts += [{"platform": "x", "handle": m.handle, "id": m.account.id} for m in school.x_more]
    return {
        "seed": school.seed,
        "size": school.size,
        "as_of": school.as_of.isoformat(),
        "school": {
            "x_account": info.x_handle,
            "x_account_id": info.x_id,
            "youtube_channel_id": info.yt_channel_id,
            "accounts": accounts,  # every approved account, in school.toml order
        },
        "identities": labels.identities,
        "media": labels.media_rows,
        "expected_exceptions": labels.expected,
        "expected_clear": labels.clear,
    }


class _Labels:
    def __init__(self, school: SampleSchool, pupils: dict[str, Pupil]) -> None:
        self.school = school
        self.pupils = pupils
        self.identities: list[dict[str, Any]] = []
        self.media_rows: list[dict[str, Any]] = []
        self.expected: list[dict[str, Any]] = []
        self.clear: list[dict[str, Any]] = []
        self.account: dict[str, str] = {}

    def on(self, handle: str, account_id: str) -> None:
        """The official account the rows that follow are about."""
        self.account = {"account": handle, "account_id": account_id}

    def post(self, post: XPost) -> None:
        for media in post.media:
            self.media("x", post.id, media.media_key, media.truth)
        self.content("x", "post", post.id, [m.truth for m in post.media], post.plants, post.clear_cases)

    def expect(
        self,
        rule: str,
        platform: str,
        subject_kind: str,
        subject_id: str,
        person_kind: str | None,
        person_id: str | None,
        difficulty: str,
        case: str,
    ) -> None:
        self.expected.append(
            {
                "rule": rule,
                "platform": platform,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "person_kind": person_kind,
                "person_id": person_id,
                "difficulty": difficulty,
                "case": case,
                **self.account,
            }
        )

    def clear_case(self, platform: str, subject_kind: str, subject_id: str, case: str) -> None:
        self.clear.append(
            {
                "platform": platform,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "case": case,
                **self.account,
            }
        )

    def _minor_former_pupil(self, person_id: str | None) -> bool:
        pupil = self.pupils.get(person_id or "")
        return pupil is not None and age_on(pupil.date_of_birth, self.school.as_of) < 18

    def identity(self, platform: str, relation: str, subject_id: str, label: str, truth: Truth) -> None:
        self.identities.append(
            {
                "platform": platform,
                "relation": relation,
                "subject_id": subject_id,
                "label": label,
                "truth_kind": truth.kind,
                "person_id": truth.person_id,
                "difficulty": truth.difficulty,
                "case": truth.case,
                **self.account,
                **({"also_person_ids": list(truth.also)} if truth.also else {}),
            }
        )
        if relation == "commenter":
            return
        raised = False
        minor = truth.kind != "former_pupil" or self._minor_former_pupil(truth.person_id)
        if relation == "following":
            if truth.kind in _FOLLOWED_KINDS and minor:
                rule, person_kind = "official-follows-person", _FOLLOWED_KINDS[truth.kind]
                self.expect(
                    rule,
                    platform,
                    relation,
                    subject_id,
                    person_kind,
                    truth.person_id,
                    truth.difficulty,
                    truth.case,
                )
                raised = True
        elif truth.kind in _FOLLOW_RULES and minor:
            rule, person_kind = _FOLLOW_RULES[truth.kind]
            # A shared account is each person's: one finding per person it names.
            for person_id in (truth.person_id, *truth.also):
                self.expect(
                    rule, platform, relation, subject_id, person_kind, person_id, truth.difficulty, truth.case
                )
            raised = True
        if truth.planted and not raised:
            self.clear_case(platform, relation, subject_id, truth.case)

    def comment(self, comment: YTComment) -> None:
        truth = comment.author.truth
        if truth.kind == "pupil":
            for person_id in (truth.person_id, *truth.also):
                self.expect(
                    "pupil-comment",
                    "youtube",
                    "comment",
                    comment.thread_id,
                    "pupil",
                    person_id,
                    truth.difficulty,
                    truth.case,
                )
        elif truth.planted:
            self.clear_case("youtube", "comment", comment.thread_id, truth.case)

    def media(self, platform: str, post_id: str, media_key: str, truth: MediaTruth) -> None:
        self.media_rows.append(
            {
                "platform": platform,
                "post_id": post_id,
                "media_key": media_key,
                "truth": truth.truth,
                "approval_id": truth.approval.approval_id if truth.approval else None,
                "case": truth.case,
                **self.account,
            }
        )

    def content(
        self,
        platform: str,
        subject_kind: str,
        subject_id: str,
        media: list[MediaTruth],
        plants: list[Plant],
        clear_cases: list[str],
    ) -> None:
        before = len(self.expected)
        offending = [m for m in media if m.unapproved]
        if offending:
            hardest = next((m for m in offending if m.truth == "unapproved_same_event"), offending[0])
            difficulty = "medium" if hardest.truth == "unapproved_same_event" else "easy"
            self.expect(
                "unapproved-media", platform, subject_kind, subject_id, None, None, difficulty, hardest.case
            )
        breach = self._consent_breach(media)
        if breach:
            pupil, case = breach
            kind = "pupil" if pupil.status == "current" else "former_pupil"
            self.expect(
                "consent-breach", platform, subject_kind, subject_id, kind, pupil.pupil_id, "easy", case
            )
        for plant in plants:
            self.expect(
                plant.rule,
                platform,
                subject_kind,
                subject_id,
                plant.person_kind,
                plant.person_id,
                plant.difficulty,
                plant.case,
            )
        if len(self.expected) == before:
            for case in clear_cases + [m.case for m in media if m.planted]:
                self.clear_case(platform, subject_kind, subject_id, case)

    def _consent_breach(self, media: list[MediaTruth]) -> tuple[Pupil, str] | None:
        for item in media:
            for pupil_id in item.approval.pupils_pictured if item.approval else []:
                pupil = self.pupils[pupil_id]
                if pupil.status == "left":
                    return pupil, "pictured_pupil_left"
                if pupil.photo_consent != "granted":
                    return pupil, f"pictured_consent_{pupil.photo_consent}"
        return None
