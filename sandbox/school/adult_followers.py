"""X followers who are former pupils, staff, parents, official accounts and look-alikes of the sample school."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.school import names, text
from sandbox.school.accounts import SocialBase, anyone, has_diminutive, plain
from sandbox.school.model import Staff, Truth, XUser, age_on, fold


class AdultFollowers(SocialBase):
    """X followers who are former pupils, staff, parents, official accounts or look-alikes."""

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
        # Declared only on the parents' register: the person is staff all the same (docs/contracts/registers.md).
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
