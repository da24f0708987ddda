"""Opt-in extended forms (`forms="extended"`): accounts whose names are drawn from the presentation grammar.

The default sample school never calls this module, so it stays byte-identical; an extended school is the
default one plus these accounts, drawn from a random stream of their own (build.py). For every `plant_scale`,
a tuned and a held-out round (sandbox/school/presentation.py) each draw: pupils, a former pupil and a member of
staff following on X, a pupil commenting on YouTube, a member of staff's channel subscribing, and the hard
negatives drawn the same way (accounts carrying a pupil's or a teacher's name that are someone else's: an adult
namesake, a parent writing as their child's mum or dad, someone with a pupil's surname and another forename, a
child at another school, a staff namesake who lives and works elsewhere). Every case is labelled with the
options drawn, so `socialaudit evaluate` reports the held-out round apart and a miss by what made it.

A plant is drawn only when a careful reader could decide it: a full name that belongs to one register person
alone, or part of a name with a cue (a birth year, a year group, the school) that leaves one pupil.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from sandbox.school import model, names, text
from sandbox.school.accounts import SocialBase
from sandbox.school.ids import token, yt_channel_id
from sandbox.school.model import Pupil, Staff, Truth, XUser, YTChannel, YTComment, YTVideo, ascii_name, fold
from sandbox.school.presentation import GRAMMAR, Name, Presentation, compose, draw, made_diminutive

OTHER_SCHOOLS = ("St Anne's Primary", "Hillcrest Academy", "Brookfield Juniors", "Oakwood Primary School")
ADULT_LIVES = (
    "Married, two kids, season ticket holder. {job}.",
    "{job}. Husband, dad, dog walker.",
    "Retired {job_lower}. Grandkids keep me busy.",
    "{job} for 20 years. Real ale and rugby.",
)
# A full name, shown as a name (for former pupils and the look-alikes, whose bios say the rest).
_FULL_NAME: dict[str, tuple[str, ...]] = {
    "given": ("forename", "listed diminutive", "made diminutive"),
    "surname": ("surname", "slip"),
    "bio": ("none",),
}
_DRAWS = 30  # compositions tried for one person before another is taken
_HOLDS_FROM = 5  # an account in an under-five's name is a parent's (checks/identity/profile.py under_five)


def _squeezed(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _known_names() -> frozenset[str]:
    """Given names and nicknames a reader knows (the sample's corpora and the nicknames package), squeezed."""
    from nicknames import name_triplets

    words = {n for c in names.COMMUNITIES.values() for n in (*c.girls, *c.boys, *c.women, *c.men)}
    words |= {d for forms in names.DIMINUTIVES.values() for d in forms}
    words |= {t.name1 for t in name_triplets()} | {t.name2 for t in name_triplets()}
    return frozenset(_squeezed(fold(w)) for w in words)


_GIVEN_NAMES = _known_names()


@functools.cache
def _package_nicknames(name: str) -> frozenset[str]:
    """The nicknames the nicknames package gives a name (the resolver reads them too), folded."""
    return frozenset(fold(n) for n in _nick_namer().nicknames_of(name.lower()))


@functools.cache
def _nick_namer() -> Any:
    from nicknames import NickNamer

    return NickNamer()


def _handle_says_enough(pres: Presentation) -> bool:
    """The username alone names the pupil: the full name, or part of it with an age in digits."""
    given, surname, digits = pres.options["given"], pres.options["surname"], pres.options["digits"]
    named = given in ("forename", "listed diminutive", "made diminutive") and surname in ("surname", "slip")
    aged = digits in ("birth year", "two-digit year", "year group", "digits inside")
    return named or (aged and surname != "none")


def case(kind: str, held_out: bool, presentation: Presentation | None = None) -> str:
    """The label's case: `composed tuned: pupil: made diminutive+its+emoji only` (the options not left as is);
    held out when the presentation drew a held-out option (or, with none, when the round was held out)."""
    plain = ("none", "as written", "forename first", "forename", "surname", "name")
    drawn = "+".join(o for o in (presentation.names if presentation else []) if o not in plain) or "plain"
    held = presentation.held_out if presentation else held_out
    return f"composed {'held-out' if held else 'tuned'}: {kind}: {drawn}"


class ExtendedForms(SocialBase):
    """Accounts in composed forms; `used` starts with everyone the default school already planted, and
    `staff_declared_following` names the staff whose declared accounts follow the school."""

    staff_declared_following: frozenset[str] = frozenset()

    def followers(self) -> list[XUser]:
        out: list[XUser] = []
        for _ in range(self.spec.plant_scale):
            for held in (False, True):
                for _ in range(4):
                    out += self.pupil(held)
                out += self.former_pupil(held)
                out += self.staff_member(held)
                out += self.adult_namesake(held)
                out += self.parent_as_kin(held)
                out += self.another_forename(held)
                out += self.child_at_another_school(held)
                out += self.staff_namesake_elsewhere(held)
        # A coincidence, not a form: one per school whatever its size (after the rest, which keep their draws).
        return out + self.staff_namesake_declared_follows()

    # -- composing -----------------------------------------------------------------------------------------

    def _name(self, p: Pupil) -> Name:
        return Name(
            p.known_as,
            p.surname,
            names.DIMINUTIVES.get(p.known_as, ()),
            p.date_of_birth.year,
            p.year_group,
        )

    def _compose(
        self,
        name: Name,
        held: bool,
        fits: Callable[[Presentation], bool],
        allowed: Mapping[str, tuple[str, ...]] | None = None,
        longest: int = 15,
    ) -> Presentation | None:
        """A composition of `name` that `fits` accepts, with a username not yet taken of at most `longest`
        letters, digits and underscores (X's 15; a YouTube handle may hold 30)."""
        allowed = dict(allowed or {})
        if not name.listed:  # no diminutive a list holds for this name
            given = allowed.get("given", ("forename", "made diminutive", "initial", "cut short"))
            allowed["given"] = tuple(o for o in given if o != "listed diminutive")
        for _ in range(_DRAWS):
            pres = compose(name, draw(self.rng, held, allowed), self.rng)
            username = pres.username
            valid = (
                4 <= len(username) <= longest
                and username.replace("_", "").isascii()
                and username.replace("_", "").isalnum()
            )
            if valid and username.lower() not in self.usernames and fits(pres):
                return pres  # `username()` takes it when the account is made
        return None

    def _bio(self, p: Pupil, cue: str) -> str:
        return {
            "year group": f"{self.rng.choice(['Year', 'yr', 'Y'])} {p.year_group} {self.rng.choice(['💜', '⚽', '🎨'])}",
            "school": f"{self.rng.choice(['I go to', 'Proud pupil at', 'love'])} {self.info.short_name} 🏫",
            "class of": f"class of {self.class_of(p)} ✏️",
            "age": f"{self.as_of.year - p.date_of_birth.year - 1} yrs old 🎂",
            "school tag": f"{self.info.hashtag} {self.rng.choice(['⭐', '🎒'])}",
        }.get(cue, self.rng.choice(text.PUPIL_BIOS) if self.rng.random() < 0.4 else "")

    def _decidable(self, p: Pupil, pres: Presentation) -> bool:
        """A careful reader could tell this pupil from every other person in the registers."""
        options = pres.options
        cue = options["digits"] in ("birth year", "two-digit year", "year group", "digits inside") or options[
            "bio"
        ] not in ("none",)
        given, surname = options["given"], options["surname"]
        if given in ("initial", "cut short") and surname in ("initial", "cut short", "none"):
            return False  # too little of the name to go on
        if pres.partial and (options["extra"] != "none" or given == "made diminutive" or surname == "slip"):
            return (
                False  # part of a name and another name, a guessed diminutive or a slip: a guess on a guess
            )
        if given == "made diminutive" and surname == "slip":
            return False  # a guessed diminutive of a misspelt name: a guess on a guess
        if given == "made diminutive" and (len(p.known_as) < 5 or self._a_name_of_its_own(pres, p)):
            return False  # a reader would take it for that other name
        if not pres.partial and surname != "none":
            return True
        if not cue:
            return False
        if given == "initial":
            return self.unique_initial(p)
        shown = fold(pres.given_shown)
        if (
            surname == "none"
        ):  # a forename alone: one pupil of that name that the cues leave, the school in the bio
            fits = [q for q in self.current if self._may_go_by(q, shown) and self._fits_cues(q, p, options)]
            return fits == [p] and options["bio"] != "none"
        if surname == "initial":
            initial = fold(p.surname)[:1]
            fits = [
                q
                for q in self.current
                if fold(q.surname)[:1] == initial
                and self._may_go_by(q, shown)
                and self._fits_cues(q, p, options)
            ]
            return fits == [p]
        start = fold(p.known_as)[:3] if given == "cut short" else fold(p.known_as)
        return (
            sum(fold(q.known_as).startswith(start) and q.surname == p.surname for q in self.reg.pupils) == 1
        )

    @staticmethod
    def _may_go_by(q: Pupil, shown: str) -> bool:
        """Whether a reader could take the given name `shown` for pupil `q`'s: their name, or a diminutive or
        nickname of it the lists hold (Millie may be Amelia's or Emily's)."""
        if shown in (fold(q.known_as), fold(q.forename)):
            return True
        listed = {*names.DIMINUTIVES.get(q.known_as, ()), *names.DIMINUTIVES.get(q.forename, ())}
        return shown in {fold(d) for d in listed} | _package_nicknames(q.forename) | _package_nicknames(
            q.known_as
        )

    def _fits_cues(self, q: Pupil, p: Pupil, options: Mapping[str, str]) -> bool:
        """Whether pupil `q` agrees with every age cue `p`'s composition shows: a birth year is a calendar year
        (two school years share it), a year group or "class of" a school year, a stated age one either way."""
        digits, bio = options["digits"], options["bio"]
        if digits in ("birth year", "two-digit year", "digits inside") and (
            q.date_of_birth.year != p.date_of_birth.year
        ):
            return False
        if (digits == "year group" or bio in ("year group", "class of")) and q.year_group != p.year_group:
            return False
        return bio != "age" or abs(q.date_of_birth.year - p.date_of_birth.year) <= 1

    # -- pupils, a former pupil, staff ------------------------------------------------------------------

    def pupil(self, held: bool) -> list[XUser]:
        p = self.take_pupil(self.current)
        if p is None:
            return []
        pres = self._pupil_presentation(p, held)
        if pres is None:
            return []
        truth = Truth("pupil", p.pupil_id, "hard" if pres.partial else "medium", case("pupil", held, pres))
        return [self.pupil_user(p, pres.display, [pres.username], truth, self._bio(p, pres.options["bio"]))]

    def former_pupil(self, held: bool) -> list[XUser]:
        p = self.take_pupil(self.left, lambda q: model.age_on(q.date_of_birth, self.as_of) >= _HOLDS_FROM)
        if p is None:
            return []
        pres = self._compose(
            self._name(p), held, lambda pr: not pr.partial and self._readable(p, pr), _FULL_NAME
        )
        if pres is None:
            return []
        bio = self.rng.choice([f"Former {self.info.short_name} pupil ⚽", "", "gaming and football"])
        truth = Truth("former_pupil", p.pupil_id, "medium", case("former pupil", held, pres))
        return [self.pupil_user(p, pres.display, [pres.username], truth, bio)]

    def _pupil_presentation(self, p: Pupil, held: bool, seen_as: str = "x") -> Presentation | None:
        """A decidable composition; on YouTube a comment shows only the handle, so it must say enough alone."""
        if seen_as == "youtube":
            return self._compose(
                self._name(p), held, lambda pr: self._decidable(p, pr) and _handle_says_enough(pr), longest=30
            )
        return self._compose(self._name(p), held, lambda pr: self._decidable(p, pr))

    def _readable(self, p: Pupil, pres: Presentation) -> bool:
        """A made diminutive a reader would take for another name is not a reading of this one, nor one of a
        misspelt surname (a guess on a guess)."""
        made = pres.options["given"] == "made diminutive"
        if made and pres.options["surname"] == "slip":
            return False
        return not made or (len(p.known_as) >= 5 and not self._a_name_of_its_own(pres, p))

    def _a_name_of_its_own(self, pres: Presentation, p: Pupil) -> bool:
        """The made diminutive is, read as a reader squeezes it, a given name or a listed nickname already (or
        none can be made of the name)."""
        made = made_diminutive(p.known_as)
        return not made or _squeezed(fold(made)) in _GIVEN_NAMES

    def _unique_surname(self, s: Staff) -> bool:
        same = [o for o in self.reg.staff if fold(o.surname) == fold(s.surname)]
        return len(same) == 1 and s.title not in ("Dr", "Mx")

    def staff_member(self, held: bool) -> list[XUser]:
        """Title and surname, as pupils and parents know a teacher ("Mrs_Ward", "MrsWard", "mrs.ward.x"), drawn
        through the grammar's separator, case and affixes, with an emoji or "Mrs W" as the display name."""
        s = self.take_staff(self._unique_surname)
        if s is None:
            return []
        separator = self.rng.choice(GRAMMAR["separator"][0])
        affix = self.rng.choice(("none", "x after"))
        if held and self.rng.random() < 0.5:
            separator = "camel case"
        elif held:
            affix = self.rng.choice(("official", "hobby after"))
        options = {"separator": separator, "affix": affix}
        title, surname = s.title, ascii_name(s.surname).replace(" ", "").replace("-", "").replace("'", "")
        core = {"underscore": f"{title}_{surname}", "camel case": f"{title}{surname}"}.get(
            separator, f"{title.lower()}{surname.lower()}"
        )
        handle = {"x after": f"{core}x", "official": f"{core}_official", "hobby after": f"{core}teaches"}.get(
            affix, core
        )
        if len(handle) > 15:
            handle = core  # X allows 15 characters: the words around the name are what a person drops
        if len(handle) > 15:
            return []  # title + surname do not fit: such a teacher writes something else, not drawn here
        if handle.lower() in self.usernames:
            return []  # taken: a number added would hide the name
        shown = self.rng.choice(["🌻", "☕📚", f"{title} {s.surname[0]}"])
        truth = Truth(
            "staff_personal",
            s.staff_id,
            "medium",
            f"composed {'held-out' if held else 'tuned'}: staff: "
            f"title+surname+{options['separator']}+{options['affix']}",
        )
        return [
            self.x_user(
                shown,
                self.username(handle),
                self.adult_created(),
                truth,
                self.rng.choice(["Coffee, books and walks.", "Tea first.", None]),
                self.local(),
            )
        ]

    # -- look-alikes drawn the same way -------------------------------------------------------------------

    def _elsewhere(self) -> str:
        """A town away from the school (not "England", which places nobody)."""
        towns = [p for p in names.ELSEWHERE if p not in self.info.localities and p not in ("England", "UK")]
        return self.rng.choice(towns)

    def _someone(self, held: bool) -> tuple[Pupil, Presentation] | None:
        pool = [q for q in self.current if self.unique_name(q.pupil_id, q.known_as, q.surname)]
        p = self.rng.choice(pool) if pool else None
        if p is None:
            return None
        pres = self._compose(self._name(p), held, lambda pr: not pr.partial, _FULL_NAME)
        return (p, pres) if pres else None

    def adult_namesake(self, held: bool) -> list[XUser]:
        """An adult with a pupil's full name, on a recent account: only the bio says it is an adult."""
        drawn = self._someone(held)
        if drawn is None:
            return []
        _, pres = drawn
        job = self.rng.choice(text.JOBS)
        bio = self.rng.choice(ADULT_LIVES).format(job=job, job_lower=job.lower())
        truth = Truth("unknown", None, "hard", case("adult namesake", held, pres))
        when = self.created_between(self.now.replace(year=self.now.year - 2), self.now)
        return [self.x_user(pres.display, pres.username, when, truth, bio, self._elsewhere())]

    def parent_as_kin(self, held: bool) -> list[XUser]:
        """A parent naming their account after their child ("jess_smith_mum"): an adult's account, not the child's."""
        fits = [p for p in self.reg.parents if p.pupil_ids and p.staff_id is None]
        if not fits:
            return []
        parent = self.rng.choice(fits)
        child = next((q for q in self.reg.pupils if q.pupil_id in parent.pupil_ids), None)
        if child is None:
            return []
        word = {"f": self.rng.choice(["mum", "mummy", "mam"]), "m": self.rng.choice(["dad", "daddy"])}[
            parent.sex
        ]
        handle = self.username(f"{fold(child.known_as)}s{word}", f"{fold(child.known_as)}_{word}")
        shown = self.rng.choice(
            [f"{child.known_as}'s {word.capitalize()}", f"{parent.forename} 💕", f"{word} of 2"]
        )
        truth = Truth(
            "parent", parent.parent_id, "hard", f"composed {'held-out' if held else 'tuned'}: parent as kin"
        )
        return [
            self.x_user(
                shown, handle, self.adult_created(), truth, self.adult_bio(True, parent.sex), self.local()
            )
        ]

    def another_forename(self, held: bool) -> list[XUser]:
        """Someone sharing a pupil's surname, showing another forename, with the initial and surname in the
        username dressed like a child's ("🌸" is not the point: "Mark Smith" / @xx_msmith_xx is Mark)."""
        p = self.rng.choice(self.current)
        forename, _ = self.public_name()
        if fold(forename)[:1] == fold(p.known_as)[:1] or self.reg.index.owners(forename, p.surname):
            return []
        name = Name(forename, p.surname, (), p.date_of_birth.year - 30, "")
        allowed = {"given": ("initial",), "surname": ("surname",), "digits": ("none",), "bio": ("none",)}
        pres = self._compose(name, held, lambda pr: True, allowed)
        if pres is None:
            return []
        truth = Truth("unknown", None, "hard", case("another forename", held, pres))
        return [
            self.x_user(f"{forename} {p.surname}", self.username(pres.username), self.adult_created(), truth)
        ]

    def child_at_another_school(self, held: bool) -> list[XUser]:
        """A child with a pupil's forename and initial who says, in the bio, that they go to another school."""
        p = self.rng.choice(self.current)
        ours = set(self.info.name.lower().split()) - {"primary", "school", "academy", "st", "juniors"}
        school = self.rng.choice(
            [s for s in OTHER_SCHOOLS if not set(s.lower().split()) & ours] or OTHER_SCHOOLS
        )
        allowed = {"surname": ("initial",), "given": ("forename",), "bio": ("none",)}
        pres = self._compose(self._name(p), held, lambda pr: True, allowed)
        if pres is None:
            return []
        truth = Truth("unknown", None, "hard", case("child at another school", held, pres))
        user = self.x_user(
            pres.display,
            self.username(pres.username),
            self.pupil_created(p),
            truth,
            f"Year {p.year_group} at {school} ⚽",
            None,
            style="pupil",
        )
        return [user]

    def staff_namesake_elsewhere(self, held: bool) -> list[XUser]:
        """Someone with exactly a teacher's name whose job and town are somewhere else."""
        s = self.rng.choice([m for m in self.reg.staff if "Teacher" in m.role])
        pres = self._compose(Name(s.known_as, s.surname), held, lambda pr: True, _FULL_NAME)
        if pres is None:
            return []
        place = self._elsewhere()
        job = self.rng.choice([j for j in text.JOBS if "teach" not in j.lower()])
        truth = Truth("unknown", None, "hard", case("staff namesake elsewhere", held, pres))
        bio = f"{job} in {place}. {self.rng.choice(text.HOBBIES)}"
        return [
            self.x_user(pres.display, self.username(pres.username), self.adult_created(), truth, bio, place)
        ]

    def staff_namesake_declared_follows(self) -> list[XUser]:
        """An adult with a staff member's surname and forename (or its diminutive) and an ordinary local life,
        while that member of staff's declared account follows the school too: someone else, most likely."""
        if not self.staff_declared_following:
            return []
        s = self.reg.staff_member(self.rng.choice(sorted(self.staff_declared_following)))
        forename = self.rng.choice([s.known_as, *names.DIMINUTIVES.get(s.forename, ())])
        user = self.x_user(
            f"{forename} {s.surname}",
            self.username(f"{fold(forename)}{fold(s.surname)}", f"{fold(forename)}_{fold(s.surname)}_"),
            self.adult_created(),
            Truth("unknown", None, "hard", "x_staff_namesake_declared_follows"),
            self.adult_bio(False, s.sex),
            self.rng.choice([self.local(), None]),
        )
        return [user]

    # -- YouTube -------------------------------------------------------------------------------------------

    def youtube(self, videos: list[YTVideo], taken: set[str]) -> tuple[list[YTChannel], list[YTComment]]:
        """Composed pupils commenting on the school's videos, and teachers' channels subscribing ("Mrs Ward",
        "Mr Patel Maths"), a tuned and a held-out round per `plant_scale`."""
        open_videos = [v for v in videos if not v.made_for_kids and v.privacy != "private"]
        channels: list[YTChannel] = []
        comments: list[YTComment] = []
        for _ in range(self.spec.plant_scale):
            for held in (False, True):
                p = self.take_pupil(self.current)
                pres = self._pupil_presentation(p, held, "youtube") if p else None
                if p and pres and open_videos and pres.username.lower() not in taken:
                    taken.add(pres.username.lower())
                    truth = Truth(
                        "pupil", p.pupil_id, "hard" if pres.partial else "medium", case("pupil", held, pres)
                    )
                    author = YTChannel(
                        yt_channel_id(self.rng),
                        pres.display,
                        "@" + pres.username,
                        self._bio(p, pres.options["bio"]),
                        self.pupil_created(p),
                        truth,
                    )
                    video = self.rng.choice(open_videos)
                    when = self.created_between(
                        video.published_at + timedelta(hours=2), video.published_at + timedelta(days=60)
                    )
                    body = self.rng.choice(["i was in this!!!", "best day ever 🔥", "me at the back lol"])
                    thread = "Ugz" + token(self.rng, 19) + "4AaABAg"
                    comments.append(YTComment(thread, video.video_id, author, body, when, 0))
                s = self.take_staff(self._unique_surname)
                if s is not None:
                    # The form (tuned): title + surname, as pupils call the teacher; held out: with what
                    # the channel teaches or whose class it is.
                    word = self.rng.choice(("", " Class") if not held else (" Teaches", " Maths", "'s Class"))
                    title = f"{s.title} {s.surname}{word}"
                    handle = "@" + fold(title)[:20]
                    if handle.lower() not in taken:
                        taken.add(handle.lower())
                        kind = f"composed {'held-out' if held else 'tuned'}: staff: title+surname channel{word.lower()}"
                        channels.append(
                            YTChannel(
                                yt_channel_id(self.rng),
                                title,
                                handle,
                                "",
                                self.adult_created(),
                                Truth("staff_personal", s.staff_id, "medium", kind),
                            )
                        )
        return channels, comments
