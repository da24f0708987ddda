"""The accounts the sample school's audience is made of: register people taken for planted cases, members of
the public, and the X users they sign up as. The builders of followers and subscribers all build on this.

Every planted case names its person only in the ways its label claims: an "exact name" pupil is the only
person in the registers with that name, and a member of the public names nobody in them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sandbox.school import names, text
from sandbox.school.ids import x_id_for
from sandbox.school.model import (
    Parent,
    Pupil,
    SchoolInfo,
    Staff,
    Truth,
    XUser,
    academic_year,
    ascii_name,
    fold,
)
from sandbox.school.people import Registers
from sandbox.school.sizes import SizeSpec

_Person = TypeVar("_Person", Pupil, Staff, Parent)


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


class SocialBase:
    """What every audience builder shares: the registers, the random stream, the usernames and handles
    already taken, and the register people already given a planted account."""

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
        return self._take(fits, lambda p: p.pupil_id)

    def take_staff(self, accept: Callable[[Staff], bool] = lambda s: True) -> Staff | None:
        fits = [
            s
            for s in self.reg.staff
            if s.staff_id not in self.used
            and s.parent_id is None
            and accept(s)
            and self.unique_name(s.staff_id, s.known_as, s.surname)
        ]
        return self._take(fits, lambda s: s.staff_id)

    def take_parent(self, accept: Callable[[Parent], bool] = lambda p: True) -> Parent | None:
        fits = [
            p
            for p in self.reg.parents
            if p.parent_id not in self.used
            and p.staff_id is None
            and accept(p)
            and self.unique_name(p.parent_id, p.forename, p.surname)
        ]
        return self._take(fits, lambda p: p.parent_id)

    def _take(self, fits: list[_Person], person_id: Callable[[_Person], str]) -> _Person | None:
        """One of those who fit, drawn at random (a single draw) and marked used; None when nobody fits."""
        if not fits:
            return None
        person = self.rng.choice(fits)
        self.used.add(person_id(person))
        return person

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
