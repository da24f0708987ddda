"""Who subscribes to and comments on the sample school's YouTube channel, with the truth."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.school import names, text
from sandbox.school.accounts import SocialBase, plain
from sandbox.school.ids import token, yt_channel_id
from sandbox.school.model import Truth, YTChannel, YTComment, YTSubscription, YTVideo, age_on, fold


class YouTubeAudience(SocialBase):
    """YouTube subscribers and commenters."""

    def yt_handle(self, *candidates: str) -> str:
        for candidate in candidates:
            handle = "@" + candidate
            if 3 <= len(candidate) <= 30 and handle.lower() not in self.yt_handles:
                self.yt_handles.add(handle.lower())
                return handle
        while True:
            handle = f"@{candidates[0][:20]}{self.rng.randint(100, 99999)}"
            if handle.lower() not in self.yt_handles:
                self.yt_handles.add(handle.lower())
                return handle

    def channel(
        self,
        title: str,
        handles: list[str],
        truth: Truth,
        description: str = "",
        created: datetime | None = None,
    ) -> YTChannel:
        when = created or self.adult_created()
        return YTChannel(yt_channel_id(self.rng), title, self.yt_handle(*handles), description, when, truth)

    def yt_subscribers(self) -> list[YTChannel]:
        r, scale = self.rng, self.spec.plant_scale
        self.used = set()
        out: list[YTChannel] = []
        p = self.take_pupil(self.current, unique=False)
        if p:
            ch = self.channel(
                f"{p.known_as} plays",
                [f"{fold(p.known_as)}plays{r.randint(1, 99)}"],
                Truth("pupil", p.pupil_id, "declared", "declared_channel"),
                "minecraft vids",
                self.pupil_created(p),
            )
            p.known_handles.append(f"youtube:{ch.channel_id}")
            out.append(ch)
        for _ in range(scale):
            p = self.take_pupil(self.current, plain)
            if p:
                out.append(
                    self.channel(
                        f"{p.known_as} {p.surname}",
                        [
                            f"{fold(p.known_as)}{fold(p.surname)}",
                            f"{fold(p.known_as)}.{fold(p.surname)}{r.randint(1, 99)}",
                        ],
                        Truth("pupil", p.pupil_id, "easy", "exact_name"),
                        "",
                        self.pupil_created(p),
                    )
                )
        p = self.take_pupil(self.current, lambda q: q.forename in names.DIMINUTIVES or bool(q.preferred_name))
        if p:
            nick = p.preferred_name or names.DIMINUTIVES[p.forename][0]
            out.append(
                self.channel(
                    f"{nick} {p.surname}",
                    [f"{fold(nick)}_{fold(p.surname)}"],
                    Truth("pupil", p.pupil_id, "medium", "nickname"),
                    r.choice(text.PUPIL_BIOS),
                    self.pupil_created(p),
                )
            )
        p = self.take_pupil(self.current)
        if p:
            title = f"{fold(p.known_as)}{fold(p.surname)}{p.date_of_birth.year}"
            out.append(
                self.channel(
                    title,
                    [title],
                    Truth("pupil", p.pupil_id, "medium", "username_birth_year"),
                    "",
                    self.pupil_created(p),
                )
            )
        p = self.take_pupil(self.current, unique=False)
        if p:
            out.append(
                self.channel(
                    r.choice(["Gaming with J", "SlimeTime", "Epic Builds"]),
                    [f"epic{r.randint(1000, 9999)}"],
                    Truth("pupil", p.pupil_id, "undecidable", "no_identifying_cues"),
                    "",
                    self.pupil_created(p),
                )
            )
        minors = [q for q in self.left if age_on(q.date_of_birth, self.as_of) < 18]
        adults = [q for q in self.left if age_on(q.date_of_birth, self.as_of) >= 18]
        p = self.take_pupil(minors, plain)
        if p:
            out.append(
                self.channel(
                    f"{p.known_as} {p.surname}",
                    [f"{fold(p.known_as)}{fold(p.surname)}"],
                    Truth("former_pupil", p.pupil_id, "easy", "former_exact_name"),
                    "",
                    self.pupil_created(p),
                )
            )
        p = self.take_pupil(adults, plain)
        if p:
            out.append(
                self.channel(
                    f"{p.known_as} {p.surname}",
                    [f"{fold(p.known_as)}{fold(p.surname)}"],
                    Truth("former_pupil", p.pupil_id, "easy", "former_pupil_adult"),
                    "Music producer 🎧",
                    self.pupil_created(p),
                )
            )
        s = self.take_staff()
        if s:
            ch = self.channel(
                f"{s.known_as}'s kitchen",
                [f"{fold(s.known_as)}cooks"],
                Truth("staff_personal", s.staff_id, "declared", "declared_personal_channel"),
                "Home cooking and baking 🍰",
            )
            s.personal_handles.append(f"youtube:{ch.channel_id}")
            out.append(ch)
        s = self.take_staff(plain)
        if s:
            out.append(
                self.channel(
                    f"{s.known_as} {s.surname}",
                    [f"{fold(s.known_as)}{fold(s.surname)}"],
                    Truth("staff_personal", s.staff_id, "easy", "staff_exact_name"),
                    "",
                )
            )
        for account in self.reg.officials:
            if account.platform == "youtube":
                out.append(
                    YTChannel(
                        account.handle,
                        account.title,
                        self.yt_handle(fold(account.title)),
                        f"The choir of {self.info.short_name}.",
                        self.adult_created(),
                        Truth("staff_official", account.staff_id, "declared", "staff_official_declared"),
                    )
                )
        p2 = self.take_parent()
        if p2:
            ch = self.channel(
                f"{p2.forename} {p2.surname[0]}",
                [f"{fold(p2.forename)}{r.randint(100, 999)}"],
                Truth("parent", p2.parent_id, "declared", "parent_declared"),
                "",
            )
            p2.known_handles.append(f"youtube:{ch.channel_id}")
            out.append(ch)
        p2 = self.take_parent()
        if p2:
            out.append(
                self.channel(
                    f"{p2.forename} {p2.surname}",
                    [f"{fold(p2.forename)}{fold(p2.surname)}"],
                    Truth("parent", p2.parent_id, "easy", "parent_exact_name_adult_cue"),
                    self.adult_bio(True, p2.sex),
                )
            )
        p = self.take_pupil(self.current, years=("1", "2", "3", "4", "5", "6"))
        if p:
            out.append(
                self.channel(
                    f"{p.forename} {p.surname}",
                    [f"{fold(p.forename)}{fold(p.surname)}vlogs"],
                    Truth("unknown", None, "medium", "adult_namesake"),
                    f"{'Mum' if p.sex == 'f' else 'Dad'} of two. Cycling vlogs since 2012. {r.choice(names.ELSEWHERE)}.",
                )
            )
        while len(out) < self.spec.subscribers:
            roll = r.random()
            if roll < 0.25:
                p2 = self.take_parent()
                if p2:
                    out.append(
                        self.channel(
                            f"{p2.forename} {p2.surname}",
                            [f"{fold(p2.forename)}{fold(p2.surname)}"],
                            Truth(
                                "parent", p2.parent_id, "easy", "parent_exact_name_adult_cue", planted=False
                            ),
                            "",
                        )
                    )
                    continue
            forename, surname = self.public_name()
            shown = r.choice(
                [f"{forename} {surname}", f"{forename}{r.randint(1, 99)}", f"{forename} {surname[0]}"]
            )
            out.append(
                self.channel(
                    shown,
                    [f"{fold(forename)}{fold(surname)}", f"{fold(forename)}{r.randint(100, 9999)}"],
                    Truth("unknown", None, "easy", "public", planted=False),
                    r.choice(["", "", self.adult_bio(False)]),
                )
            )
        return out

    def yt_subscriptions(self, channels: list[YTChannel]) -> list[YTSubscription]:
        subs = []
        for ch in channels:
            since = max(ch.published_at, self.info.yt_created)
            subs.append(
                YTSubscription(
                    token(self.rng, 43), ch, self.created_between(since + timedelta(days=1), self.now)
                )
            )
        subs.sort(key=lambda s: s.published_at, reverse=True)
        return subs

    def yt_comments(self, videos: list[YTVideo], subscribers: list[YTChannel]) -> list[YTComment]:
        r = self.rng
        open_videos = [v for v in videos if not v.made_for_kids and v.privacy != "private"]
        if not open_videos:
            return []
        comments: list[YTComment] = []

        def add(author: YTChannel, body: str) -> None:
            video = r.choice(open_videos)
            when = self.created_between(
                video.published_at + timedelta(hours=2), video.published_at + timedelta(days=60)
            )
            thread = "Ugz" + token(r, 19) + "4AaABAg"
            comments.append(YTComment(thread, video.video_id, author, body, when, r.randint(0, 12)))

        teacher = next(s for s in self.reg.staff if s.role.startswith("Class Teacher"))
        pupil_voice = [
            c.format(
                m=r.randint(0, 3),
                s=r.randint(0, 59),
                y=r.randint(3, 6),
                teacher=f"{teacher.title.lower()} {teacher.surname.lower()}",
            )
            for c in text.PUPIL_COMMENTS
        ]
        declared = next((c for c in subscribers if c.truth.case == "declared_channel"), None)
        if declared:
            add(declared, r.choice(pupil_voice))
        for _ in range(self.spec.plant_scale):
            p = self.take_pupil(self.current)
            if p:
                author = self.channel(
                    p.known_as,
                    [f"{fold(p.known_as)}.{fold(p.surname)}{p.date_of_birth.year}"],
                    Truth("pupil", p.pupil_id, "medium", "handle_name_birth_year"),
                    "",
                    self.pupil_created(p),
                )
                add(author, r.choice(pupil_voice))
            p = self.take_pupil(self.current, lambda q: self.unique_initial_in_year(q), unique=False)
            if p:
                author = self.channel(
                    fold(p.known_as).capitalize(),
                    [f"{fold(p.known_as)}_{fold(p.surname)[0]}_y{p.year_group}"],
                    Truth("pupil", p.pupil_id, "medium", "handle_initial_year_group"),
                    "",
                    self.pupil_created(p),
                )
                add(author, r.choice(pupil_voice))
        for _ in range(3):
            p2 = self.take_parent()
            if p2:
                author = self.channel(
                    f"{p2.forename} {p2.surname}",
                    [f"{fold(p2.forename)}{fold(p2.surname)}{r.randint(1, 99)}"],
                    Truth("parent", p2.parent_id, "easy", "parent_comment"),
                )
                add(author, r.choice(text.PARENT_COMMENTS).format(y=r.randint(1, 6)))
        hostile = self.channel(
            "Totally Normal", ["totallynormal"], Truth("unknown", None, "easy", "hostile_comment_markup")
        )
        add(hostile, "<script>alert(1)</script> nice video")
        while len(comments) < self.spec.comment_threads:
            forename, surname = self.public_name()
            author = self.channel(
                f"{forename} {surname}",
                [f"{fold(forename)}{fold(surname)}"],
                Truth("unknown", None, "easy", "public", planted=False),
            )
            add(author, r.choice(text.PUBLIC_COMMENTS))
        comments.sort(key=lambda c: c.published_at, reverse=True)
        return comments
