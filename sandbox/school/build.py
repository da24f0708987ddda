"""Deterministic sample school: a labelled in-memory model of a UK primary school's accounts, written as a sandbox dataset."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from sandbox.school.accounts import SocialBase
from sandbox.school.blind_forms import BlindForms
from sandbox.school.content import build_content
from sandbox.school.extended_forms import ExtendedForms
from sandbox.school.ids import token
from sandbox.school.labels import build_labels
from sandbox.school.lettered_posts import LetteredPosts
from sandbox.school.meta_accounts import build_meta
from sandbox.school.model import SampleSchool, Truth, XUser, YTChannel, YTComment, YTSubscription
from sandbox.school.newcomers import add_newcomers
from sandbox.school.people import Registers, build_registers
from sandbox.school.school_info import build_school_info
from sandbox.school.sizes import SIZES, SizeSpec
from sandbox.school.social import build_social
from sandbox.school.sports import build_sports
from sandbox.school.weeks import evolve
from sandbox.school.writer import write_dataset, write_json

DEFAULT_AS_OF = date(2026, 11, 16)
# "default": the sample school as it has always been (byte-identical); "extended": the same school plus the
# followers of extended_forms.py, from a random stream of their own; "blind": the same school plus the family of
# blind_forms.py (built from a description alone, never tuned on), from a stream of its own.
FORMS = ("default", "extended", "blind")


def _stream(seed: int, *parts: str) -> random.Random:
    """An independent random stream per part of the model, so growing one part leaves the others as
    they were. String seeds are hashed with SHA-512 by `random`, so they do not depend on PYTHONHASHSEED."""
    return random.Random("/".join(["socialaudit-sample", str(seed), *parts]))


def build_school(
    seed: int = 1, size: str | SizeSpec = "small", as_of: date = DEFAULT_AS_OF, forms: str = "default"
) -> SampleSchool:
    """The whole sample school as a model: registers, platform objects and the truth behind them. `size` is
    one of SIZES by name, or a SizeSpec (a benchmark's variant of one: its name keeps the random streams)."""
    if isinstance(size, SizeSpec):
        spec, size = size, size.name
    elif size in SIZES:
        spec = SIZES[size]
    else:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    if forms not in FORMS:
        raise ValueError(f"forms must be one of {', '.join(FORMS)}, not {forms!r}")
    info = build_school_info(_stream(seed, "school"), as_of)
    registers = build_registers(_stream(seed, size, "registers"), spec, as_of, info)
    content = build_content(_stream(seed, size, "content"), spec, as_of, info, registers)
    followers, following, subscriptions, comments = build_social(
        _stream(seed, size, "social"), spec, as_of, info, registers, content.videos
    )
    account_rng = _stream(seed, size, "account")
    x_account = XUser(
        id=info.x_id,
        name=info.short_name,
        username=info.x_handle,
        created_at=info.x_created,
        protected=False,
        description=f"Official account of {info.name}, {info.town}. Not monitored 24/7. {info.hashtag}",
        location=info.town,
        followers_count=len(followers),
        following_count=len(following),
        tweet_count=len(content.posts) + account_rng.randint(200, 2500),
        listed_count=account_rng.randint(2, 30),
        like_count=account_rng.randint(100, 3000),
        truth=Truth("unknown", None, "easy", "school_account", planted=False),
    )
    # Most subscribers keep their subscriptions private: the channel's count is well above the visible list.
    private_subscribers = len(subscriptions) + account_rng.randint(5, 60)
    school = SampleSchool(
        seed=seed,
        size=size,
        as_of=as_of,
        info=info,
        pupils=registers.pupils,
        staff=registers.staff,
        parents=registers.parents,
        approvals=content.approvals,
        x_account=x_account,
        x_followers=followers,
        x_following=following,
        x_posts=content.posts,
        yt_videos=content.videos,
        yt_subscriptions=subscriptions,
        yt_comments=comments,
        yt_private_subscribers=private_subscribers,
    )
    # The sports account comes last, from its own streams: the rest of the school is as it was without it.
    school.x_more.append(
        build_sports(lambda part: _stream(seed, size, "sports", part), spec, school, registers)
    )
    _add_lettered_posts(_stream(seed, size, "lettering"), spec, school, registers)
    # The Facebook Page and Instagram account, from their own stream: the rest of the school is as it was.
    school.meta, meta_approvals = build_meta(_stream(seed, size, "meta"), spec, as_of, info, registers)
    for number, approval in enumerate(meta_approvals, start=len(school.approvals) + 1):
        approval.approval_id = f"A{number:03d}"
    school.approvals += meta_approvals
    if forms == "extended":
        _add_extended_forms(_stream(seed, size, "extended-forms"), spec, school, registers)
    if forms == "blind":
        _add_blind_forms(_stream(seed, size, "blind-forms"), spec, school, registers)
    return school


def _add_lettered_posts(
    rng: random.Random, spec: SizeSpec, school: SampleSchool, registers: Registers
) -> None:
    """Photos with writing in them (issue 28), after everything else and from their own stream: the rest of the
    school, its sports account included, is as it was without them."""
    every_post = [*school.x_posts, *(p for more in school.x_more for p in more.posts)]
    taken = {p.id for p in every_post} | {m.media_key[2:] for p in every_post for m in p.media}
    lettered = LetteredPosts(rng, spec, school.as_of, school.info, registers, taken)
    school.x_posts = sorted([*school.x_posts, *lettered.posts()], key=lambda p: p.created_at, reverse=True)
    school.approvals += lettered.number_approvals(after=len(school.approvals))


def _add_extended_forms(
    rng: random.Random, spec: SizeSpec, school: SampleSchool, registers: Registers
) -> None:
    """The extended followers, after everything else, taking only people the default school left unplanted."""
    builder = ExtendedForms(rng, spec, school.as_of, school.info, registers)
    every_account = [*school.x_followers, *school.x_following]
    builder.used.update(u.truth.person_id for u in every_account if u.truth.person_id)
    builder.usernames.update(u.username.lower() for u in every_account)
    builder.staff_declared_following = frozenset(
        u.truth.person_id
        for u in school.x_followers
        if u.truth.person_id and u.truth.difficulty == "declared" and u.truth.kind == "staff_personal"
    )
    extra = builder.followers()
    # On YouTube, a plant takes people afresh (as the default school's subscribers do), beyond those on X.
    taken = {s.subscriber.handle.lower() for s in school.yt_subscriptions}
    taken |= {c.author.handle.lower() for c in school.yt_comments}
    channels, comments = builder.youtube(school.yt_videos, taken)
    _join_audience(rng, school, builder, extra, channels, comments)


def _join_audience(
    rng: random.Random,
    school: SampleSchool,
    builder: SocialBase,
    followers: list[XUser],
    channels: list[YTChannel],
    comments: list[YTComment],
) -> None:
    """Opt-in followers, subscribing channels and comments join the school's audience, newest first."""
    school.x_followers.extend(followers)
    if school.x_account is not None:
        school.x_account.followers_count += len(followers)
    for channel in channels:
        since = max(channel.published_at, school.info.yt_created)
        when = builder.created_between(since + timedelta(days=1), builder.now)
        school.yt_subscriptions.append(YTSubscription(token(rng, 43), channel, when))
    school.yt_subscriptions.sort(key=lambda s: s.published_at, reverse=True)
    school.yt_comments.extend(comments)
    school.yt_comments.sort(key=lambda c: c.published_at, reverse=True)


def _add_blind_forms(rng: random.Random, spec: SizeSpec, school: SampleSchool, registers: Registers) -> None:
    """The blind family, after everything else: its Cyrillic- and Greek-writing families join the registers, then
    its accounts take only people the default school left unplanted."""
    add_newcomers(rng, spec, school.as_of, registers)
    builder = BlindForms(rng, spec, school.as_of, school.info, registers)
    every_account = [*school.x_followers, *school.x_following]
    builder.used.update(u.truth.person_id for u in every_account if u.truth.person_id)
    builder.usernames.update(u.username.lower() for u in every_account)
    followers = builder.followers()
    taken = {s.subscriber.handle.lower() for s in school.yt_subscriptions}
    taken |= {c.author.handle.lower() for c in school.yt_comments}
    builder.used.update(c.author.truth.person_id for c in school.yt_comments if c.author.truth.person_id)
    channels, comments = builder.youtube(school.yt_videos, taken)
    _join_audience(rng, school, builder, followers, channels, comments)


def write_sample(
    out_dir: Path,
    seed: int = 1,
    size: str | SizeSpec = "small",
    as_of: date = DEFAULT_AS_OF,
    week: int = 0,
    forms: str = "default",
) -> Path:
    """Write the sample school's dataset into `out_dir` and its labels to `<out_dir>.labels.json`
    (beside the dataset, never inside it); returns the labels path. `week` N > 0 is the same school N weeks
    later (as of `as_of` + N weeks), evolved by sandbox/school/weeks.py. `forms="extended"` adds the followers
    of extended_forms.py (an opt-in: the default school is unchanged)."""
    school = build_school(seed, size, as_of, forms)
    if week:
        evolve(school, week)
    out_dir = Path(out_dir).resolve()
    write_dataset(school, out_dir)
    labels_path = labels_path_for(out_dir)
    write_json(labels_path, build_labels(school))
    return labels_path


def labels_path_for(out_dir: Path) -> Path:
    out_dir = Path(out_dir).resolve()
    return out_dir.with_name(out_dir.name + ".labels.json")
