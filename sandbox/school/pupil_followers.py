"""X followers who are current pupils of the sample school, one method per planted case."""

from __future__ import annotations

from collections.abc import Callable

from sandbox.school import names
from sandbox.school.accounts import SocialBase, decorated, plain, stretched
from sandbox.school.model import Pupil, Truth, XUser, ascii_name, fold


class PupilFollowers(SocialBase):
    """X followers who are current pupils."""

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
