"""Opt-in extra forms (`forms="extended"`): how else pupils, staff and their namesakes present online.

The default sample school never calls this module, so it stays byte-identical; an extended school is the
default one plus these followers, drawn from a random stream of their own (build.py). Each method plants one
form the default generator lacks: usernames built from an initial, a surname and a glued year group or a
two-digit birth year; a forename cut short; a full name only in the username; ALL CAPS with emoji; a forename
with a year group or the school in the bio; a hobby given as a job ("Lego builder"); staff as "Mrs_Robinson" or
"Sarah R" with the role; misspellings and transliterations; and the look-alikes a careful reader rules out (a
staff namesake who lives and works elsewhere, an adult namesake of a pupil whose bio is an adult's life, a child
at another school) or doubts (a namesake of a member of staff whose declared account follows the school too).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from sandbox.school import names, text
from sandbox.school.accounts import SocialBase, plain
from sandbox.school.model import Pupil, Staff, Truth, XUser, ascii_name, fold

# Transliterations of one name, as registers and children spell it differently.
SPELLINGS = (
    ("Mohammed", "Muhammad"),
    ("Muhammad", "Mohammed"),
    ("Mohammad", "Mohammed"),
    ("Aisha", "Ayesha"),
    ("Sean", "Shaun"),
    ("Niamh", "Neve"),
)
# Job words children use of their hobbies, as a bio says them.
HOBBY_TITLES = (
    "lego builder 🧱",
    "Minecraft builder ⛏️",
    "Roblox developer 🎮",
    "den builder and tree climber 🌳",
    "aspiring chef 🍰",
    "mini photographer 📷",
)
OTHER_SCHOOLS = ("St Anne's Primary", "Hillcrest Academy", "Brookfield Juniors", "Oakwood Primary School")
ADULT_LIVES = (
    "Married, two kids, season ticket holder. {job}.",
    "{job}. Husband, dad, dog walker.",
    "Retired {job_lower}. Grandkids keep me busy.",
    "{job} for 20 years. Real ale and rugby.",
)


def _fits(name: str, extra: int) -> bool:
    """A username made of this name and `extra` more characters fits X's 15."""
    return len(fold(name).replace(" ", "")) + extra <= 15


class ExtendedForms(SocialBase):
    """Followers in the extra forms; `used` starts with everyone the default school already planted, and
    `staff_declared_following` names the staff whose declared accounts follow the school."""

    staff_declared_following: frozenset[str] = frozenset()

    def followers(self) -> list[XUser]:
        plants: list[tuple[Callable[[], list[XUser]], int]] = [
            (self.pupil_initial_surname_glued_year, 1),
            (self.pupil_initial_surname_two_digit_year, 1),
            (self.pupil_short_form_birth_year, 1),
            (self.pupil_full_name_only_in_username, 1),
            (self.pupil_caps_emoji_diminutive, 1),
            (self.pupil_forename_year_bio, 1),
            (self.pupil_forename_school_bio, 1),
            (self.pupil_misspelt_surname, 1),
            (self.pupil_transliterated, 1),
            (self.staff_title_surname_handle, 1),
            (self.staff_forename_initial_role, 1),
            (self.staff_part_of_surname, 1),
            (self.staff_namesake_elsewhere, 1),
            (self.pupil_adult_namesake_life, 1),
            (self.child_at_another_school, 1),
            (self.pupil_hobby_title_bio, 1),  # last: the forms above keep their random draws
        ]
        out: list[XUser] = []
        for make, count in plants:
            for _ in range(count * self.spec.plant_scale):
                out += make()
        # A coincidence, not a form: one per school whatever its size (after the rest, which keep their draws).
        return out + self.staff_namesake_declared_follows()

    # -- pupils ------------------------------------------------------------------------------------------

    def _pupil(
        self, p: Pupil | None, name: str, usernames: list[str], difficulty: str, case: str, bio: str = ""
    ) -> list[XUser]:
        if p is None:
            return []
        return [self.pupil_user(p, name, usernames, Truth("pupil", p.pupil_id, difficulty, case), bio)]

    def _emoji(self) -> str:
        return self.rng.choice(["🦖", "⚽⚽", "🌸", "🎮", "✨✨", "🐱"])

    def pupil_initial_surname_glued_year(self) -> list[XUser]:
        p = self.take_pupil(
            self.current, lambda q: self.unique_initial(q) and plain(q) and _fits(q.surname, 3)
        )
        if p is None:
            return []
        sn = ascii_name(p.surname).replace(" ", "").replace("-", "")
        handle = f"{ascii_name(p.known_as)[0].upper()}{sn}Y{p.year_group}"
        return self._pupil(p, self._emoji(), [handle], "medium", "x_initial_surname_glued_year")

    def pupil_initial_surname_two_digit_year(self) -> list[XUser]:
        p = self.take_pupil(
            self.current, lambda q: self.unique_initial(q) and plain(q) and _fits(q.surname, 3)
        )
        if p is None:
            return []
        fn, sn = fold(p.known_as), fold(p.surname)
        shown = self.rng.choice([p.known_as, self._emoji()])
        return self._pupil(
            p,
            shown,
            [f"{fn[0]}{sn}{p.date_of_birth.year % 100}"],
            "medium",
            "x_initial_surname_two_digit_year",
        )

    def _short_form_unique(self, p: Pupil) -> bool:
        fn = fold(p.known_as)
        if len(fn) < 6 or fn in names.DIMINUTIVES:
            return False
        short = fn[:3]
        return (
            sum(fold(q.known_as).startswith(short) and q.surname == p.surname for q in self.reg.pupils) == 1
        )

    def pupil_short_form_birth_year(self) -> list[XUser]:
        p = self.take_pupil(
            self.current, lambda q: plain(q) and self._short_form_unique(q) and _fits(q.surname, 3 + 4)
        )
        if p is None:
            return []
        short, sn = fold(p.known_as)[:3], fold(p.surname)
        year = p.date_of_birth.year
        return self._pupil(
            p,
            f"{short} {self.rng.choice(['⚡', '💜'])}",
            [f"{short}_{sn}{year}", f"{short}{sn}{year}"],
            "medium",
            "x_short_form_year",
        )

    def pupil_full_name_only_in_username(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: plain(q) and _fits(q.known_as + q.surname, 1))
        if p is None:
            return []
        fn, sn = fold(p.known_as), fold(p.surname)
        handles = [f"{fn}{sn}", f"{sn}_{fn}", f"{fn}_{sn}"]
        self.rng.shuffle(handles)
        return self._pupil(p, self._emoji(), handles, "medium", "x_full_name_username_only")

    def pupil_caps_emoji_diminutive(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: q.forename in names.DIMINUTIVES and not q.preferred_name)
        if p is None:
            return []
        nick = self.rng.choice(names.DIMINUTIVES[p.forename])
        emoji = self.rng.choice(["💙", "⚽", "🔥"])
        shown = f"{emoji}{nick.upper()} {p.surname.upper()}{emoji}"
        return self._pupil(
            p,
            shown,
            [f"{fold(nick)}{fold(p.surname)[:4]}{self.rng.randint(1, 9)}"],
            "medium",
            "x_caps_diminutive",
        )

    def pupil_forename_year_bio(self) -> list[XUser]:
        p = self.take_pupil(self.current, self.unique_in_year, unique=False)
        if p is None:
            return []
        bio = f"{self.rng.choice(['Year', 'yr', 'Y'])} {p.year_group} {self.rng.choice(['💜', '⚽', '🎨'])}"
        handle = f"{self.rng.choice(['dino', 'sk8', 'pixel', 'moon'])}_{self.rng.randint(10, 99)}"
        return self._pupil(p, p.known_as, [handle], "hard", "x_forename_year_bio", bio)

    def pupil_forename_school_bio(self) -> list[XUser]:
        counts = Counter(fold(q.known_as) for q in self.current)
        p = self.take_pupil(self.current, lambda q: counts[fold(q.known_as)] == 1, unique=False)
        if p is None:
            return []
        bio = f"{self.rng.choice(['I go to', 'Proud pupil at', 'love'])} {self.info.short_name} 🏫"
        handle = f"{self.rng.choice(['bookworm', 'gamer', 'slime'])}_{self.rng.randint(10, 99)}"
        return self._pupil(p, f"{p.known_as} {self._emoji()}", [handle], "hard", "x_forename_school_bio", bio)

    def pupil_hobby_title_bio(self) -> list[XUser]:
        """A full name, and a bio that gives a job word as a child's hobby ("Lego builder"): not an adult's job."""
        p = self.take_pupil(self.current, lambda q: plain(q) and _fits(q.known_as + q.surname, 2))
        if p is None:
            return []
        bio = self.rng.choice(HOBBY_TITLES)
        fn, sn = fold(p.known_as), fold(p.surname)
        handles = [f"{fn}_{sn}_{self.rng.randint(1, 9)}", f"{fn}{sn}"]
        return self._pupil(p, f"{p.known_as} {p.surname}", handles, "easy", "x_hobby_title_bio", bio)

    def pupil_misspelt_surname(self) -> list[XUser]:
        p = self.take_pupil(self.current, lambda q: plain(q) and len(q.surname) >= 6 and q.surname.isalpha())
        if p is None:
            return []
        swaps = [i for i in range(2, len(p.surname) - 2) if p.surname[i] != p.surname[i + 1]]
        if not swaps:
            return []
        i = self.rng.choice(swaps)
        wrong = p.surname[:i] + p.surname[i + 1] + p.surname[i] + p.surname[i + 2 :]
        fn = fold(p.known_as)
        return self._pupil(
            p, f"{p.known_as} {wrong}", [f"{fn}_{fold(wrong)}"], "medium", "x_misspelt_surname"
        )

    def pupil_transliterated(self) -> list[XUser]:
        other = dict(SPELLINGS)
        p = self.take_pupil(self.current, lambda q: q.forename in other and not q.preferred_name)
        if p is None:
            return []
        shown = f"{other[p.forename]} {p.surname}"
        return self._pupil(
            p, shown, [f"{fold(other[p.forename])}_{fold(p.surname)}"], "medium", "x_transliterated_forename"
        )

    # -- staff -------------------------------------------------------------------------------------------

    def _surname_unique_among_staff(self, s: Staff) -> bool:
        same = [o for o in self.reg.staff if fold(o.surname) == fold(s.surname)]
        parents = [p for p in self.reg.parents if fold(p.surname) == fold(s.surname)]
        return len(same) == 1 and not parents and s.title not in ("Dr", "Mx")

    def staff_title_surname_handle(self) -> list[XUser]:
        s = self.take_staff(lambda m: self._surname_unique_among_staff(m) and plain(m))
        if s is None:
            return []
        sn = ascii_name(s.surname).replace(" ", "")
        handle = self.rng.choice([f"{s.title}_{sn}", f"{s.title}{sn}"])
        user = self.x_user(
            self.rng.choice(["🌻", "☕📚", f"{s.title} {s.surname[0]}"]),
            self.username(handle),
            self.adult_created(),
            Truth("staff_personal", s.staff_id, "medium", "x_staff_title_surname_handle"),
            self.rng.choice(["Coffee, books and walks.", "Tea first.", None]),
            self.local(),
        )
        return [user]

    def staff_forename_initial_role(self) -> list[XUser]:
        s = self.take_staff(lambda m: m.role.startswith("Class Teacher,") and plain(m))
        if s is None:
            return []
        role = s.role.removeprefix("Class Teacher, ")
        user = self.x_user(
            f"{s.known_as} {s.surname[0]}",
            self.username(f"{fold(s.known_as)}_{fold(s.surname)[0]}_{self.rng.randint(10, 99)}"),
            self.adult_created(),
            Truth("staff_personal", s.staff_id, "hard", "x_staff_forename_initial_role"),
            f"{role} teacher {self.rng.choice(['☕', '🍎', '📚'])} Views my own.",
            self.local(),
        )
        return [user]

    def staff_part_of_surname(self) -> list[XUser]:
        """A double-barrelled (or married) surname, one part of it used online, with the school in the bio."""
        s = self.take_staff(lambda m: "-" in m.surname and plain(m))
        if s is None:
            return []
        part = self.rng.choice(s.surname.split("-"))
        user = self.x_user(
            f"{s.known_as} {part}",
            self.username(f"{fold(s.known_as)}{fold(part)}"),
            self.adult_created(),
            Truth("staff_personal", s.staff_id, "medium", "x_staff_part_of_surname"),
            f"Working at {self.info.short_name}. Views my own.",
            self.local(),
        )
        return [user]

    # -- look-alikes -------------------------------------------------------------------------------------

    def _elsewhere(self) -> str:
        return self.rng.choice([place for place in names.ELSEWHERE if place not in self.info.localities])

    def staff_namesake_elsewhere(self) -> list[XUser]:
        """Someone with exactly a staff member's name whose job and town are somewhere else."""
        s = self.rng.choice([m for m in self.reg.staff if "Teacher" in m.role])
        place = self._elsewhere()
        job = self.rng.choice([j for j in text.JOBS if "teach" not in j.lower()])
        user = self.x_user(
            f"{s.known_as} {s.surname}",
            self.username(f"{fold(s.known_as)}{fold(s.surname)}_", f"{fold(s.known_as)}_{fold(s.surname)}1"),
            self.adult_created(),
            Truth("unknown", None, "hard", "x_staff_namesake_elsewhere"),
            f"{job} in {place}. {self.rng.choice(text.HOBBIES)}",
            place,
        )
        return [user]

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

    def pupil_adult_namesake_life(self) -> list[XUser]:
        """An adult with a pupil's full name, on a recent account: only the bio says it is an adult."""
        p = self.rng.choice(
            [q for q in self.current if plain(q) and self.unique_name(q.pupil_id, q.known_as, q.surname)]
        )
        job = self.rng.choice(text.JOBS)
        bio = self.rng.choice(ADULT_LIVES).format(job=job, job_lower=job.lower())
        fn, sn = fold(p.known_as), fold(p.surname)
        user = self.x_user(
            f"{p.known_as} {p.surname}",
            self.username(f"{fn}{sn}{self.rng.randint(60, 89)}", f"{fn}_{sn}_uk"),
            self.created_between(self.now.replace(year=self.now.year - 2), self.now),
            Truth("unknown", None, "hard", "x_adult_namesake_life"),
            bio,
            self._elsewhere(),
        )
        return [user]

    def child_at_another_school(self) -> list[XUser]:
        """A child with a pupil's name who says, in the bio, that they go to another school."""
        p = self.rng.choice(
            [q for q in self.current if plain(q) and self.unique_name(q.pupil_id, q.known_as, q.surname)]
        )
        fn, sn = fold(p.known_as), fold(p.surname)
        user = self.x_user(
            f"{p.known_as} {p.surname[0]}",
            self.username(f"{fn}_{sn[0]}_{self.rng.randint(10, 99)}"),
            self.pupil_created(p),
            Truth("unknown", None, "hard", "x_child_other_school"),
            f"Year {p.year_group} at {self.rng.choice(OTHER_SCHOOLS)} ⚽",
            None,
            style="pupil",
        )
        return [user]
