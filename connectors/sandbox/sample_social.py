"""Who follows, is followed by, subscribes to and comments on the sample school's accounts, with the truth.

Every planted case names its person only in the ways its label claims: an "exact name" pupil is the only
person in the registers with that name, and a member of the public names nobody in them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from connectors.sandbox import names
from connectors.sandbox import sample_text as text
from connectors.sandbox.sample_model import (
    Parent,
    Pupil,
    SchoolInfo,
    SizeSpec,
    Staff,
    Truth,
    XUser,
    YTChannel,
    YTComment,
    YTSubscription,
    YTVideo,
    academic_year,
    age_on,
    ascii_name,
    fold,
    token,
    x_id_for,
    yt_channel_id,
)
from connectors.sandbox.sample_people import Registers


def decorated(name: str) -> str:
    """Mathematical bold script letters, as "fancy text" generators produce (NFKC folds them back)."""
    out = []
    for c in name:
        if "A" <= c <= "Z":
            out.append(chr(0x1D4D0 + ord(c) - ord("A")))
        elif "a" <= c <= "z":
            out.append(chr(0x1D4EA + ord(c) - ord("a")))
        else:
            out.append(c)
    return "".join(out)


def stretched(word: str, extra: int = 2) -> str:
    return word + word[-1] * extra


def plain(person: Pupil | Staff) -> bool:
    """Goes by the registered forename: an exact-name plant then names them exactly as the register does."""
    return not person.preferred_name


def has_diminutive(person: Parent) -> bool:
    return person.forename in names.DIMINUTIVES


def anyone(person: Parent) -> bool:
    return True


def _valid_username(name: str) -> bool:
    return 4 <= len(name) <= 15 and all(c.isascii() and (c.isalnum() or c == "_") for c in name)


class SocialBuilder:
    def __init__(
        self,
        rng: random.Random,
        spec: SizeSpec,
        as_of: date,
        info: SchoolInfo,
        registers: Registers,
    ) -> None:
        self.rng = rng
        self.spec = spec
        self.as_of = as_of
        self.now = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
        self.info = info
        self.reg = registers
        self.usernames: set[str] = {info.x_handle.lower()}
        self.yt_handles: set[str] = {info.yt_handle.lower(), info.yt_live_handle.lower()}
        self.used: set[str] = set()  # register people already given a planted account on this platform
        self.current = [p for p in registers.pupils if p.status == "current"]
        self.left = [p for p in registers.pupils if p.status == "left"]
        self.ay = academic_year(as_of)
        self.cue_counts = Counter(
            key(p)
            for p in self.current
            for key in (self._initial_key, self._forename_year_key, self._forename_initial_year_key)
        )

    # -- people ------------------------------------------------------------------------------------------

    def unique_name(self, person_id: str, forename: str, surname: str) -> bool:
        return self.reg.index.owners(forename, surname) == {person_id}

    def take_pupil(
        self,
        pool: list[Pupil],
        accept: Callable[[Pupil], bool] = lambda p: True,
        unique: bool = True,
        years: tuple[str, ...] = ("3", "4", "5", "6"),
    ) -> Pupil | None:
        """An unused pupil who fits; plants with an exact name need nobody else to share it. Pupils
        with accounts of their own are mostly juniors; younger ones are taken only when no junior fits."""
        fits = [
            p
            for p in pool
            if p.pupil_id not in self.used
            and accept(p)
            and (not unique or self.unique_name(p.pupil_id, p.known_as, p.surname))
        ]
        preferred = [p for p in fits if p.status == "left" or p.year_group in years]
        fits = preferred or [p for p in fits if p.year_group not in ("R", "1")]
        if not fits:
            return None
        pupil = self.rng.choice(fits)
        self.used.add(pupil.pupil_id)
        return pupil

    def take_staff(self, accept: Callable[[Staff], bool] = lambda s: True) -> Staff | None:
        fits = [
            s
            for s in self.reg.staff
            if s.staff_id not in self.used
            and s.parent_id is None
            and accept(s)
            and self.unique_name(s.staff_id, s.known_as, s.surname)
        ]
        if not fits:
            return None
        member = self.rng.choice(fits)
        self.used.add(member.staff_id)
        return member

    def take_parent(self, accept: Callable[[Parent], bool] = lambda p: True) -> Parent | None:
        fits = [
            p
            for p in self.reg.parents
            if p.parent_id not in self.used
            and p.staff_id is None
            and accept(p)
            and self.unique_name(p.parent_id, p.forename, p.surname)
        ]
        if not fits:
            return None
        parent = self.rng.choice(fits)
        self.used.add(parent.parent_id)
        return parent

    def public_name(self) -> tuple[str, str]:
        """A member of the public whose name matches nobody in the registers."""
        while True:
            community = self.rng.choices(
                list(names.COMMUNITIES), [c.weight for c in names.COMMUNITIES.values()]
            )[0]
            c = names.COMMUNITIES[community]
            sex = self.rng.choice("fm")
            forename = self.rng.choice(c.women if sex == "f" else c.men)
            surname = self.rng.choice(c.surnames)
            if (c.feminine or {}).get(surname) and sex == "f":
                surname = (c.feminine or {})[surname]
            forms = [forename, *names.DIMINUTIVES.get(forename, ())]
            if not any(self.reg.index.owners(f, surname) for f in forms):
                return forename, surname

    # -- cues --------------------------------------------------------------------------------------------

    def year_index(self, pupil: Pupil) -> int:
        return 0 if pupil.year_group == "R" else int(pupil.year_group)

    def class_of(self, pupil: Pupil) -> int:
        """The summer the pupil leaves primary school."""
        return self.ay + 1 + (6 - self.year_index(pupil))

    def adult_bio(self, parent_cue: bool, sex: str = "f") -> str:
        parts = []
        if parent_cue:
            cues = text.MUM_CUES if sex == "f" else text.DAD_CUES
            parts.append(
                self.rng.choice(cues).format(n=self.rng.randint(2, 4), job=self.rng.choice(text.JOBS).lower())
            )
        if self.rng.random() < 0.7:
            parts.append(self.rng.choice(text.JOBS))
        if self.rng.random() < 0.6:
            parts.append(self.rng.choice(text.HOBBIES))
        return " | ".join(parts) if parts else self.rng.choice(text.PUBLIC_BIOS)

    def local(self) -> str:
        return self.rng.choice(self.info.localities)

    # -- X accounts --------------------------------------------------------------------------------------

    def username(self, *candidates: str) -> str:
        for candidate in candidates:
            if _valid_username(candidate) and candidate.lower() not in self.usernames:
                self.usernames.add(candidate.lower())
                return candidate
        base = next((c for c in candidates if c), "user")
        base = "".join(ch for ch in ascii_name(base) if ch.isalnum() or ch == "_")[:11] or "user"
        while True:
            candidate = f"{base}{self.rng.randint(10, 9999)}"[:15]
            if _valid_username(candidate) and candidate.lower() not in self.usernames:
                self.usernames.add(candidate.lower())
                return candidate

    def created_between(self, start: datetime, end: datetime) -> datetime:
        end = min(end, self.now - timedelta(days=3))
        if start >= end:
            start = end - timedelta(days=30)
        seconds = int((end - start).total_seconds())
        return (start + timedelta(seconds=self.rng.randrange(seconds))).replace(microsecond=0)

    def pupil_created(self, pupil: Pupil) -> datetime:
        dob = pupil.date_of_birth
        earliest = datetime(dob.year + 7, dob.month, min(dob.day, 28), tzinfo=UTC)
        return self.created_between(max(earliest, self.now - timedelta(days=4 * 365)), self.now)

    def adult_created(self) -> datetime:
        return self.created_between(datetime(2009, 3, 1, tzinfo=UTC), datetime(2024, 6, 1, tzinfo=UTC))

    def x_user(
        self,
        name: str,
        username: str,
        created: datetime,
        truth: Truth,
        description: str | None = None,
        location: str | None = None,
        protected: bool = False,
        style: str = "adult",
    ) -> XUser:
        r = self.rng
        metrics = {
            "pupil": (r.randint(3, 160), r.randint(20, 400), r.randint(0, 300), 0),
            "adult": (r.randint(10, 900), r.randint(40, 1500), r.randint(5, 9000), r.randint(0, 5)),
            "org": (r.randint(250, 25000), r.randint(80, 2500), r.randint(400, 16000), r.randint(5, 120)),
            "bot": (r.randint(0, 25), r.randint(900, 5000), r.randint(0, 40000), 0),
        }[style]
        return XUser(
            id=x_id_for(created, r),
            name=name[:50],
            username=username,
            created_at=created,
            protected=protected,
            description=description or None,
            location=location or None,
            followers_count=metrics[0],
            following_count=metrics[1],
            tweet_count=metrics[2],
            listed_count=metrics[3],
            like_count=r.randint(0, 20000) if style != "org" else r.randint(0, 3000),
            truth=truth,
        )

    def pupil_user(
        self, pupil: Pupil, name: str, usernames: list[str], truth: Truth, bio: str | None = None
    ) -> XUser:
        location = self.local() if self.rng.random() < 0.3 else None
        return self.x_user(
            name,
            self.username(*usernames),
            self.pupil_created(pupil),
            truth,
            description=bio
            if bio is not None
            else (self.rng.choice(text.PUPIL_BIOS) if self.rng.random() < 0.5 else None),
            location=location,
            protected=self.rng.random() < 0.3,
            style="pupil",
        )

    # -- X followers: pupils -----------------------------------------------------------------------------

    def pupil_followers(self) -> list[XUser]:
        """Current pupils following the school's X account, one planted case per method below; the
        number is how many of each a small school gets (multiplied by the size's plant scale)."""
        plants: list[tuple[Callable[[], list[XUser]], int]] = [
            # Scarcest first: siblings need two unused pupils of one family, nicknames a name that has one.
            (self.pupil_siblings, 1),
            (self.pupil_nickname, 1),
            (self.pupil_declared, 1),
            (self.pupil_exact_name, 2),
            (self.pupil_accents_folded, 1),
            (self.pupil_emoji_name, 1),
            (self.pupil_preferred_name, 1),
            (self.pupil_username_birth_year, 1),
            (self.pupil_username_year_group, 1),
            (self.pupil_initial_birth_year, 1),
            (self.pupil_decorative_unicode, 1),
            (self.pupil_repeated_letters, 1),
            (self.pupil_initial_surname, 1),
            (self.pupil_surname_first, 1),
            (self.pupil_school_bio_forename, 1),
            (self.pupil_class_of_cue, 1),
            (self.pupil_undecidable, 1),
        ]
        out: list[XUser] = []
        for make, count in plants:
            for _ in range(count * self.spec.plant_scale):
                out += make()
        out += self.pupil_same_name()
        # Declared handles of pupils who do not (yet) follow: the register holds more than the platform shows.
        for _ in range(max(1, self.spec.plant_scale // 2)):
            p = self.take_pupil(self.current, unique=False)
            if p:
                p.known_handles.append(
                    f"x:@{self.username(f'{fold(p.known_as)}_{fold(p.surname)}_{self.rng.randint(10, 99)}')}"
                )
        return out

    @staticmethod
    def _slugs(p: Pupil) -> tuple[str, str]:
        return fold(p.known_as), fold(p.surname)

    def _pupil(
        self,
        p: Pupil | None,
        name: str,
        usernames: list[str],
        difficulty: str,
        case: str,
        bio: str | None = None,
    ) -> list[XUser]:
        if p is None:
            return []
        return [self.pupil_user(p, name, usernames, Truth("pupil", p.pupil_id, difficulty, case), bio)]

    def pupil_declared(self) -> list[XUser]:
        p = self.take_pupil(self.current, unique=False)
        if p is None:
            return []
        fn, _ = self._slugs(p)
        r = self.rng
        shown = r.choice(["🎮 " + p.known_as, p.known_as.lower() + " ⚡", "xX_" + fn + "_Xx"])
        users = self._pupil(
            p,
            shown,
            [f"{r.choice(['gamer', 'ninja', 'dino', 'pixel'])}_{fn}{r.randint(1, 99)}"],
            "declared",
            "declared_handle",
        )
        p.known_handles.append(f"x:@{users[0].username}")
        return users

    def pupil_exact_name(self) -> list[XUser]:
        p = self.take_pupil(self.current, plain)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        return self._pupil(
            p,
            f"{p.known_as} {p.surname}",
            [f"{fn}_{sn}", f"{fn}{sn}{self.rng.randint(1, 99)}"],
            "easy",
            "exact_name",
        )

    def pupil_accents_folded(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: plain(q) and not (q.forename + q.surname).isascii())
        if p is None:
            return []
        fn, sn = self._slugs(p)
        shown = ascii_name(f"{p.known_as} {p.surname}")
        return self._pupil(
            p,
            self.rng.choice([shown, shown.upper()]),
            [f"{fn}{sn[:6]}", f"{fn}_{sn}"],
            "easy",
            "accents_case_folded",
        )

    def pupil_emoji_name(self) -> list[XUser]:
        p = self.take_pupil(self.current, plain)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        emoji = self.rng.choice(["🌸", "⚽", "💙", "✨", "🦄", "🏴󠁧󠁢󠁷󠁬󠁳󠁿"])
        return self._pupil(
            p, f"{emoji} {p.known_as} {p.surname} {emoji}", [f"its_{fn}", f"{fn}{sn}x"], "easy", "emoji_name"
        )

    def pupil_preferred_name(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: bool(q.preferred_name))
        if p is None:
            return []
        fn, sn = self._slugs(p)
        return self._pupil(
            p,
            f"{p.preferred_name} {p.surname}",
            [f"{fn}{sn}{p.date_of_birth.year % 100}", f"{fn}_{sn}_"],
            "medium",
            "preferred_name",
        )

    def pupil_nickname(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: q.forename in names.DIMINUTIVES and not q.preferred_name)
        if p is None:
            return []
        nick = self.rng.choice(names.DIMINUTIVES[p.forename])
        sn = fold(p.surname)
        return self._pupil(
            p, f"{nick} {p.surname}", [f"{fold(nick)}{sn}", f"{fold(nick)}_{sn}"], "medium", "nickname"
        )

    def pupil_username_birth_year(self) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        short = names.DIMINUTIVES.get(p.forename, (p.known_as,))[0]
        shown = f"{short.lower()} {self.rng.choice(['💖', '⚽', '🎀', '🔥'])}"
        year = p.date_of_birth.year
        return self._pupil(
            p,
            shown,
            [f"{fn}{sn}{year}", f"{fn}{sn[:4]}{year}", f"{fn[:7]}{sn[:4]}{year}", f"{fn[:11]}{year}"],
            "medium",
            "username_birth_year",
        )

    def pupil_username_year_group(self) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        _, sn = self._slugs(p)
        short = fold(names.DIMINUTIVES.get(p.forename, (p.known_as,))[0])
        y = p.year_group
        return self._pupil(
            p,
            short.capitalize(),
            [
                f"{short}_{sn}_y{y}",
                f"{short}_{sn[:5]}_y{y}",
                f"{short[:9]}_{sn[:3]}_y{y}",
                f"{short[:10]}_y{y}",
            ],
            "medium",
            "username_year_group",
        )

    def pupil_initial_birth_year(self) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        handle = f"{ascii_name(p.known_as).replace(' ', '')}{ascii_name(p.surname)[0].upper()}{p.date_of_birth.year}"
        return self._pupil(p, f"{p.known_as} ✨", [handle], "medium", "initial_birth_year")

    def pupil_decorative_unicode(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: (q.known_as + q.surname).isascii())
        if p is None:
            return []
        fn, sn = self._slugs(p)
        return self._pupil(
            p,
            decorated(f"{p.known_as} {p.surname}"),
            [f"{fn}_{sn[:3]}_{self.rng.randint(10, 99)}"],
            "medium",
            "decorative_unicode",
        )

    def pupil_repeated_letters(self) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        shown = f"{stretched(p.known_as)} {stretched(p.surname)} 💕"
        return self._pupil(
            p, shown, [f"{fn}{fn[-1] * 3}", f"{fn}{sn[:3]}{fn[-1] * 2}"], "medium", "repeated_letters"
        )

    def pupil_initial_surname(self) -> list[XUser]:
        p = self.take_pupil(self.current, self.unique_initial)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        y = p.year_group
        bio = f"year {y} ⚽ {self.info.initials}"
        return self._pupil(
            p,
            f"{p.known_as[0]}. {p.surname}",
            [f"{fn[0]}{sn}_y{y}", f"{fn[0]}_{sn}{y}"],
            "medium",
            "initial_surname",
            bio,
        )

    def pupil_surname_first(self) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        return self._pupil(
            p,
            f"{p.surname} {p.known_as}",
            [f"{sn}_{fn}", f"{sn}{fn}{self.rng.randint(1, 9)}"],
            "medium",
            "surname_first",
        )

    def pupil_school_bio_forename(self) -> list[XUser]:
        """Only a forename, but with the year group and the school's name: one pupil fits."""
        p = self.take_pupil(self.current, self.unique_in_year, unique=False, years=("4", "5", "6"))
        if p is None:
            return []
        r = self.rng
        hobby = r.choice(["football_mad", "dancequeen", "gamer", "slime_fan", "bookworm"])
        bio = f"Year {p.year_group} at {self.info.short_name} {r.choice(['⚽', '💜', '🌟'])}"
        return self._pupil(
            p, p.known_as, [f"{hobby}_{r.randint(10, 99)}"], "hard", "school_bio_forename", bio
        )

    def pupil_class_of_cue(self) -> list[XUser]:
        """Forename, surname initial and the year they leave primary, plus the school's initials."""
        p = self.take_pupil(self.current, self.unique_initial_in_year, unique=False)
        if p is None:
            return []
        fn, sn = self._slugs(p)
        leaves = self.class_of(p)
        shown = f"{p.known_as} {p.surname[0]} {self.rng.choice(['🦄', '✨', '🌈'])}"
        bio = f"class of {leaves} 💜 {self.info.initials}"
        return self._pupil(
            p, shown, [f"{fn}_{sn[0]}{leaves % 100}", f"{fn}{sn[0]}_{leaves}"], "hard", "class_of_cue", bio
        )

    def pupil_siblings(self) -> list[XUser]:
        # Leave children whose names have diminutives to the nickname cases, which need them.
        pairs = sorted(
            self.reg.siblings,
            key=lambda ab: sum(self.reg.pupil(x).forename in names.DIMINUTIVES for x in ab),
        )
        for a, b in pairs:
            pair = (self.reg.pupil(a), self.reg.pupil(b))
            if all(
                p.pupil_id not in self.used
                and p.year_group not in ("R", "1")
                and plain(p)
                and self.unique_name(p.pupil_id, p.known_as, p.surname)
                for p in pair
            ):
                out = []
                for p in pair:
                    self.used.add(p.pupil_id)
                    fn, sn = self._slugs(p)
                    out += self._pupil(
                        p,
                        f"{p.known_as} {p.surname}",
                        [f"{fn}_{sn}", f"{fn}{sn}{self.rng.randint(1, 99)}"],
                        "easy",
                        "sibling",
                    )
                return out
        return []

    def pupil_same_name(self) -> list[XUser]:
        """One of two current pupils with the same name follows: it is a pupil, but not which one."""
        first = self.reg.pupil(self.reg.same_name_pair[self.rng.randrange(2)])
        self.used.update(self.reg.same_name_pair)
        fn, sn = self._slugs(first)
        return self._pupil(
            first,
            f"{first.forename} {first.surname}",
            [f"{fn}{sn}{self.rng.randint(100, 999)}"],
            "medium",
            "ambiguous_same_name",
            "",
        )

    def pupil_undecidable(self) -> list[XUser]:
        p = self.take_pupil(self.current, unique=False)
        if p is None:
            return []
        r = self.rng
        shown = r.choice(["🦖🦖", "zzz", "⚡️⚡️⚡️", "no name"])
        handle = f"{r.choice(['dinoroar', 'sk8r', 'bluecat', 'lavalamp'])}_{r.randint(10, 99)}"
        return self._pupil(p, shown, [handle], "undecidable", "no_identifying_cues", "")

    # Weak cues (an initial, a forename and a year group) point at one pupil only when no other current
    # pupil shares them; the counts are over the whole year, so a plant is decidable by a careful reader.
    @staticmethod
    def _initial_key(p: Pupil) -> tuple[str, ...]:
        return (fold(p.known_as)[:1], fold(p.surname))

    @staticmethod
    def _forename_year_key(p: Pupil) -> tuple[str, ...]:
        return (fold(p.known_as), p.year_group)

    @staticmethod
    def _forename_initial_year_key(p: Pupil) -> tuple[str, ...]:
        return (fold(p.known_as), fold(p.surname)[:1], p.year_group)

    def unique_initial(self, pupil: Pupil) -> bool:
        return self.cue_counts[self._initial_key(pupil)] == 1

    def unique_in_year(self, pupil: Pupil) -> bool:
        return self.cue_counts[self._forename_year_key(pupil)] == 1

    def unique_initial_in_year(self, pupil: Pupil) -> bool:
        return self.cue_counts[self._forename_initial_year_key(pupil)] == 1

    # -- X followers: former pupils, staff, parents, look-alikes ----------------------------------------

    def former_pupil_followers(self) -> list[XUser]:
        r, scale = self.rng, self.spec.plant_scale
        out: list[XUser] = []
        minors = [p for p in self.left if age_on(p.date_of_birth, self.as_of) < 18]
        adults = [p for p in self.left if age_on(p.date_of_birth, self.as_of) >= 18]
        for _ in range(scale):
            p = self.take_pupil(minors, plain)
            if p:
                out.append(
                    self.pupil_user(
                        p,
                        f"{p.known_as} {p.surname}",
                        [f"{fold(p.known_as)}{fold(p.surname)}", f"{fold(p.known_as)}_{fold(p.surname)}"],
                        Truth("former_pupil", p.pupil_id, "easy", "former_exact_name"),
                    )
                )
        p = self.take_pupil(minors, unique=False)
        if p:
            user = self.pupil_user(
                p,
                p.known_as.lower(),
                [f"{fold(p.known_as)}{r.randint(100, 999)}x"],
                Truth("former_pupil", p.pupil_id, "declared", "former_declared_handle"),
            )
            p.known_handles.append(f"x:{user.username}")
            out.append(user)
        p = self.take_pupil(minors)
        if p:
            out.append(
                self.pupil_user(
                    p,
                    p.known_as,
                    [
                        f"{fold(p.known_as)}{fold(p.surname)[:3]}{p.date_of_birth.year}",
                        f"{fold(p.known_as)[:8]}{fold(p.surname)[:3]}{p.date_of_birth.year}",
                        f"{fold(p.known_as)}{p.date_of_birth.year}",
                        f"{fold(p.known_as)[:11]}{p.date_of_birth.year}",
                    ],
                    Truth("former_pupil", p.pupil_id, "medium", "former_birth_year"),
                )
            )
        for _ in range(scale):
            p = self.take_pupil(adults, plain)
            if p:
                bio = r.choice(
                    [
                        "Uni of Leeds '28",
                        "Apprentice electrician ⚡",
                        "Barista & student",
                        "18. Sixth form done ✅",
                    ]
                )
                out.append(
                    self.x_user(
                        f"{p.known_as} {p.surname}",
                        self.username(f"{fold(p.known_as)}_{fold(p.surname)}"),
                        self.pupil_created(p),
                        Truth("former_pupil", p.pupil_id, "easy", "former_pupil_adult"),
                        bio,
                        self.local(),
                    )
                )
        return out

    def staff_followers(self) -> list[XUser]:
        r, scale = self.rng, self.spec.plant_scale
        out: list[XUser] = []

        def truth(s: Staff, difficulty: str, case: str) -> Truth:
            return Truth("staff_personal", s.staff_id, difficulty, case)

        for _ in range(scale):
            s = self.take_staff()
            if s:
                user = self.x_user(
                    f"{s.known_as} {r.choice(['🌻', '📚', '☕'])}",
                    self.username(
                        f"{r.choice(['mrs', 'miss', 'mr', 'teach'])}_{fold(s.surname)}",
                        f"{fold(s.known_as)}teaches",
                    ),
                    self.adult_created(),
                    truth(s, "declared", "declared_personal_handle"),
                    r.choice(text.STAFF_BIO_PLAIN),
                    self.local(),
                )
                s.personal_handles.append(f"x:@{user.username}")
                out.append(user)
        for _ in range(scale):
            s = self.take_staff(plain)
            if s:
                out.append(
                    self.x_user(
                        f"{s.known_as} {s.surname}",
                        self.username(
                            f"{fold(s.known_as)}{fold(s.surname)}",
                            f"{fold(s.known_as)}_{fold(s.surname)[:6]}",
                        ),
                        self.adult_created(),
                        truth(s, "easy", "staff_exact_name"),
                        r.choice(text.STAFF_BIO_PLAIN),
                        r.choice([self.local(), None]),
                    )
                )
        s = self.take_staff(
            lambda m: (
                sum(o.title == m.title and fold(o.surname) == fold(m.surname) for o in self.reg.staff) == 1
                and m.title != "Dr"
                and "Teacher" in m.role
            )
        )
        if s:
            role = s.role.replace("Class Teacher, ", "").replace("Class Teacher", "Teacher")
            bio = (
                f"{role} teacher at {self.info.short_name} 🍎"
                if role.startswith(("Year", "Reception"))
                else f"{role} at {self.info.short_name}"
            )
            out.append(
                self.x_user(
                    f"{s.title} {s.surname}",
                    self.username(
                        f"{s.title.lower()}{fold(s.surname)}{role[-1] if role[-1].isdigit() else ''}",
                        f"{s.title}{fold(s.surname)}_teach",
                    ),
                    self.adult_created(),
                    truth(s, "medium", "staff_title_surname"),
                    bio,
                )
            )
        s = self.take_staff(lambda m: bool(m.preferred_name))
        if s is None:
            s = self.take_staff(lambda m: m.forename in names.DIMINUTIVES)
            if s:
                s.preferred_name = names.DIMINUTIVES[s.forename][0]
        if s:
            out.append(
                self.x_user(
                    f"{s.preferred_name} {s.surname}",
                    self.username(f"{fold(s.preferred_name)}{fold(s.surname)}{r.randint(1, 99)}"),
                    self.adult_created(),
                    truth(s, "medium", "staff_preferred_name"),
                    self.adult_bio(False),
                    self.local(),
                )
            )
        staff_id, parent_id = self.reg.staff_parent
        member, parent = self.reg.staff_member(staff_id), self.reg.parent(parent_id)
        self.used.update([staff_id, parent_id])
        user = self.x_user(
            f"{member.forename} {member.surname}",
            self.username(
                f"{fold(member.forename)}_{fold(member.surname)}",
                f"{fold(member.forename)}{fold(member.surname)[:8]}",
            ),
            self.adult_created(),
            truth(member, "medium", "staff_also_parent"),
            f"Mum of {len(parent.pupil_ids) + 1} | {text.HOBBIES[0]}"
            if member.sex == "f"
            else "Dad | Runner",
            self.local(),
        )
        # Declared only on the parents' register: the person is staff all the same (DESIGN.md §5.6).
        parent.known_handles.append(f"x:@{user.username}")
        out.append(user)
        # A declared personal account that does not follow.
        s = self.take_staff()
        if s:
            s.personal_handles.append(f"x:@{self.username(f'{fold(s.known_as)}_{fold(s.surname)[:5]}_')}")
        return out

    def official_followers(self) -> list[XUser]:
        out = []
        for account in self.reg.officials:
            if account.platform != "x":
                continue
            self.usernames.add(account.handle.lower())
            created = self.created_between(datetime(2015, 1, 1, tzinfo=UTC), datetime(2023, 9, 1, tzinfo=UTC))
            bio = f"Official account of {account.title.replace(self.info.short_name, '').strip()} at {self.info.short_name}. Run by staff."
            out.append(
                self.x_user(
                    account.title,
                    account.handle,
                    created,
                    Truth("staff_official", account.staff_id, "declared", "staff_official_declared"),
                    bio,
                    self.info.town,
                    style="org",
                )
            )
        return out

    def parent_followers(self, planted: bool, count: int) -> list[XUser]:
        """Parents following the school: allowed. Planted ones are the listed look-alikes."""
        r = self.rng
        out: list[XUser] = []
        kinds = ["declared", "exact", "nickname", "surname", "undecidable"]
        for i in range(count):
            kind = kinds[i % len(kinds)] if planted else r.choices(kinds, [20, 35, 20, 5, 20])[0]
            accept = has_diminutive if kind == "nickname" else anyone
            p = self.take_parent(accept)
            if p is None:
                continue
            fn, sn = fold(p.forename), fold(p.surname)
            cue = self.adult_bio(True, p.sex)
            if kind == "declared":
                user = self.x_user(
                    f"{p.forename} {p.surname[0]}.",
                    self.username(f"{fn}{sn[:4]}{r.randint(1, 99)}"),
                    self.adult_created(),
                    Truth("parent", p.parent_id, "declared", "parent_declared", planted),
                    cue,
                    self.local(),
                )
                p.known_handles.append(f"x:@{user.username}")
            elif kind == "exact":
                user = self.x_user(
                    f"{p.forename} {p.surname}",
                    self.username(f"{fn}{sn}", f"{fn}_{sn}{r.randint(1, 9)}"),
                    self.adult_created(),
                    Truth("parent", p.parent_id, "easy", "parent_exact_name_adult_cue", planted),
                    cue,
                    r.choice([self.local(), None]),
                )
            elif kind == "nickname":
                nick = names.DIMINUTIVES[p.forename][0]
                user = self.x_user(
                    f"{nick} {p.surname}",
                    self.username(f"{fold(nick)}{sn}", f"{fold(nick)}_{sn}_"),
                    self.adult_created(),
                    Truth("parent", p.parent_id, "medium", "parent_nickname_adult_cue", planted),
                    cue,
                    self.local(),
                )
            elif kind == "surname":
                user = self.x_user(
                    f"The {p.surname} Family",
                    self.username(f"{sn}family", f"the{sn}s"),
                    self.adult_created(),
                    Truth("parent", p.parent_id, "medium", "parent_shares_pupil_surname", planted),
                    f"Family of {len(p.pupil_ids) + 2} in {self.info.town} 🏡",
                    self.local(),
                )
            else:
                user = self.x_user(
                    r.choice(
                        [f"{p.forename[0]} 🌻", "Mum life", "Busy Dad", f"{p.forename[0]}{p.surname[0]}"]
                    ),
                    self.username(
                        f"{r.choice(['sunny', 'coffee', 'rainy', 'blue'])}_{r.choice(['days', 'mornings', 'skies'])}{r.randint(1, 99)}"
                    ),
                    self.adult_created(),
                    Truth("parent", p.parent_id, "undecidable", "parent_no_cues", planted),
                    r.choice([None, self.rng.choice(text.HOBBIES)]),
                )
            out.append(user)
        return out

    def junior_follower(self) -> XUser:
        parent_id, pupil_id = self.reg.junior
        parent = self.reg.parent(parent_id)
        self.used.update([parent_id, pupil_id])
        created = self.created_between(datetime(2010, 6, 1, tzinfo=UTC), datetime(2013, 1, 1, tzinfo=UTC))
        bio = f"Proud dad of {max(2, len(parent.pupil_ids))} | {self.rng.choice(['Electrician', 'Joiner', 'HGV driver'])} | {self.info.town}"
        return self.x_user(
            f"{parent.forename} {parent.surname}",
            self.username(
                f"{fold(parent.forename)}{fold(parent.surname)}",
                f"{fold(parent.forename)}{fold(parent.surname)[:6]}_",
            ),
            created,
            Truth("parent", parent_id, "medium", "parent_same_name_as_child"),
            bio,
            self.local(),
        )

    def namesakes(self) -> list[XUser]:
        """Adults who share a current pupil's full name: their accounts predate the pupil's fifth birthday."""
        out = []
        for i in range(self.spec.plant_scale + 1):
            p = self.take_pupil(self.current, years=("1", "2", "3", "4", "5", "6"))
            if p is None:
                break
            fn, sn = fold(p.forename), fold(p.surname)
            if i == 0:
                created = self.created_between(
                    datetime(2010, 1, 1, tzinfo=UTC), datetime(2010, 12, 31, tzinfo=UTC)
                )
                out.append(
                    self.x_user(
                        f"{p.forename} {p.surname}",
                        self.username(f"{fn}{sn}", f"{fn}_{sn}"),
                        created,
                        Truth("unknown", None, "hard", "adult_namesake_minimal"),
                        None,
                        self.rng.choice(names.ELSEWHERE),
                    )
                )
            else:
                created = self.created_between(
                    datetime(2011, 1, 1, tzinfo=UTC), datetime(2011, 12, 31, tzinfo=UTC)
                )
                bio = f"{self.rng.choice(text.JOBS)} in {self.rng.choice(names.ELSEWHERE)}. {self.rng.choice(text.HOBBIES)}"
                out.append(
                    self.x_user(
                        f"{p.forename} {p.surname}",
                        self.username(f"{fn}{sn}", f"{fn}{sn}_", f"real{fn}{sn}"),
                        created,
                        Truth("unknown", None, "medium", "adult_namesake"),
                        bio,
                        self.rng.choice(names.ELSEWHERE),
                    )
                )
        return out

    def odd_followers(self) -> list[XUser]:
        r = self.rng
        forename, _ = self.public_name()
        grandad = self.x_user(
            f"Grandad {forename}" if r.random() < 0.5 else f"Nana {forename}",
            self.username(f"grandad{fold(forename)}", f"nana{fold(forename)}"),
            self.adult_created(),
            Truth("unknown", None, "medium", "grandparent"),
            f"Grandparent of 5 ❤️ Proud of {self.info.short_name}",
            self.local(),
        )
        script = self.x_user(
            "Jo 🌈",
            self.username("jo_rainbow_x"),
            self.adult_created(),
            Truth("unknown", None, "easy", "hostile_script_bio"),
            "<script>alert(1)</script> local mum",
            self.local(),
        )
        formula = self.x_user(
            '=HYPERLINK("http://example.com/win","Prize")',
            self.username("prizes_4_u"),
            self.created_between(self.now - timedelta(days=200), self.now),
            Truth("unknown", None, "easy", "hostile_formula_name"),
            "Free prizes daily",
            None,
            style="bot",
        )
        return [grandad, script, formula]

    # -- X background -------------------------------------------------------------------------------------

    def org_users(self, count: int) -> list[XUser]:
        r = self.rng
        town = self.info.town.split(" with ")[0]
        slug = fold(town)
        truth = Truth("unknown", None, "easy", "organisation", planted=False)
        orgs: list[tuple[str, list[str], str]] = [
            (
                f"{self.info.town} Council",
                [f"{slug}council", f"{slug}_council"],
                f"Official account of {self.info.town} Council.",
            ),
            (
                f"{town} Police",
                [f"{slug}police", f"{slug}_police"],
                "Neighbourhood policing team. Do not report crime here. In an emergency call 999.",
            ),
            (
                f"{town} Libraries",
                [f"{slug}libraries", f"{slug}_libs"],
                "Your local libraries: books, events and more.",
            ),
            (
                f"{town} School Games",
                [f"{slug}schoolgames", f"{slug}_sport"],
                "School sport competitions across the borough.",
            ),
        ]
        for name, handle, bio in text.NATIONAL_ORGS:
            orgs.append((name, [handle], bio))
        stems = [s for s in names.SCHOOL_STEMS if not self.info.name.startswith(s)]
        r.shuffle(stems)
        for stem in stems:
            full, short, suffix = r.choice(names.SCHOOL_TYPES[:2] + names.SCHOOL_TYPES[4:])
            compact = fold(stem)
            orgs.append(
                (
                    f"{stem} {short}",
                    [
                        f"{ascii_name(stem).replace(' ', '').replace(chr(39), '')[:12]}{suffix}",
                        f"{compact[:10]}school",
                    ],
                    f"Official account of {stem} {full}, {self.local()}.",
                )
            )
        businesses = list(text.BUSINESSES)
        r.shuffle(businesses)
        street_names = [s.split()[0] for s in names.SCHOOL_STEMS if not s.startswith(("St ", "Holy"))]
        for name, bio in businesses:
            filled = name.format(town=town, stem=r.choice(street_names))
            orgs.append(
                (
                    filled,
                    [
                        "".join(ch for ch in ascii_name(filled) if ch.isalnum())[:15],
                        fold(filled)[:12] + "ltd",
                    ],
                    bio.format(town=town, stem=filled.split()[0]),
                )
            )
        out: list[XUser] = []
        for name, handles, bio in orgs:
            if len(out) >= count:
                break
            created = self.created_between(datetime(2009, 6, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
            out.append(
                self.x_user(name, self.username(*handles), created, truth, bio, self.local(), style="org")
            )
        while len(out) < count:
            _, surname = self.public_name()
            trade = r.choice(
                [
                    "Plumbing",
                    "Electrical",
                    "Joinery",
                    "Cakes",
                    "Photography",
                    "Tutoring",
                    "Cleaning",
                    "Driving School",
                ]
            )
            name = f"{ascii_name(surname)} {trade}"
            out.append(
                self.x_user(
                    name,
                    self.username(fold(name)[:15], fold(surname)[:8] + fold(trade)[:6]),
                    self.adult_created(),
                    truth,
                    f"{trade} in {self.info.town}. Call for a quote.",
                    self.local(),
                    style="org",
                )
            )
        return out

    def public_users(self, count: int) -> list[XUser]:
        r = self.rng
        out = []
        for _ in range(count):
            if r.random() < 0.12:
                name, bio = r.choice(text.SPAM)
                created = self.created_between(self.now - timedelta(days=400), self.now)
                out.append(
                    self.x_user(
                        name,
                        self.username(
                            f"user{r.randint(10**7, 10**8 - 1)}", f"{fold(name)[:8]}{r.randint(100, 9999)}"
                        ),
                        created,
                        Truth("unknown", None, "easy", "bot_spam", planted=False),
                        bio,
                        None,
                        style="bot",
                    )
                )
                continue
            forename, surname = self.public_name()
            fn, sn = fold(forename), fold(surname)
            shown = r.choice(
                [f"{forename} {surname}", f"{forename} {surname[0]}", forename, f"{forename} {surname} 🇬🇧"]
            )
            out.append(
                self.x_user(
                    shown,
                    self.username(f"{fn}{sn}", f"{fn}_{sn}", f"{fn[0]}{sn}{r.randint(1, 99)}"),
                    self.adult_created(),
                    Truth("unknown", None, "easy", "public", planted=False),
                    self.adult_bio(r.random() < 0.3) if r.random() < 0.7 else None,
                    r.choice([self.local(), r.choice(names.ELSEWHERE), None]),
                    protected=r.random() < 0.05,
                )
            )
        return out

    # -- X assembly ----------------------------------------------------------------------------------------

    def x_lists(self) -> tuple[list[XUser], list[XUser]]:
        r, spec = self.rng, self.spec
        pupils = self.pupil_followers()
        former = self.former_pupil_followers()
        staff = self.staff_followers()
        officials = self.official_followers()
        parents = self.parent_followers(True, 5 * spec.plant_scale)
        junior = self.junior_follower()
        planted = (
            pupils + former + staff + officials + parents + [junior] + self.namesakes() + self.odd_followers()
        )
        background_parents = self.parent_followers(False, max(0, int(len(self.reg.parents) * 0.3)))
        # Organisations: some follow the school, some are followed by it, many both.
        orgs = self.org_users(max(spec.followers // 12, spec.following))
        following_orgs = orgs[: spec.following]
        follower_orgs = [o for i, o in enumerate(orgs) if i % 10 < 7]
        n_public = max(0, spec.followers - len(planted) - len(background_parents) - len(follower_orgs))
        followers = planted + background_parents + follower_orgs + self.public_users(n_public)
        r.shuffle(followers)
        # The planted exceptions: the official account follows a pupil, a former pupil, a member of staff's
        # personal account and a parent, all of whom follow it back.
        following: list[XUser] = []
        for group, kind in (
            (pupils, "pupil"),
            (former, "former_pupil"),
            (staff, "staff_personal"),
            (parents, "parent"),
        ):
            fits = [u for u in group if u.truth.kind == kind and u.truth.difficulty in ("declared", "easy")]
            fits.sort(key=lambda u: u.truth.difficulty != "declared")
            following += fits[: spec.plant_scale]
        following += officials
        following += following_orgs[: max(0, spec.following - len(following))]
        r.shuffle(following)
        return followers, following

    # -- YouTube -------------------------------------------------------------------------------------------

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


def build_social(
    rng: random.Random,
    spec: SizeSpec,
    as_of: date,
    info: SchoolInfo,
    registers: Registers,
    videos: list[YTVideo],
) -> tuple[list[XUser], list[XUser], list[YTSubscription], list[YTComment]]:
    builder = SocialBuilder(rng, spec, as_of, info, registers)
    followers, following = builder.x_lists()
    channels = builder.yt_subscribers()
    subscriptions = builder.yt_subscriptions(channels)
    comments = builder.yt_comments(videos, channels)
    return followers, following, subscriptions, comments
