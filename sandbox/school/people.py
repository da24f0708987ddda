"""The sample school itself and its registers: pupils (current and left), families, parents and staff."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sandbox.school import names
from sandbox.school.ids import yt_channel_id
from sandbox.school.model import NameIndex, Parent, Pupil, SchoolInfo, Staff, academic_year, ascii_name
from sandbox.school.sizes import YEAR_GROUPS, SizeSpec

# Adult forenames a father may pass on to a son (the "junior" case: parent and pupil share a full name).
PASSED_ON_NAMES = ("Daniel", "James", "Thomas", "William", "Joseph", "Samuel", "David", "Michael")


@dataclass
class OfficialAccount:
    """A class or department account run by a member of staff (declared in `official_handles`)."""

    staff_id: str
    platform: str
    handle: str  # X username, or YouTube channel id
    title: str


@dataclass
class Registers:
    pupils: list[Pupil]
    parents: list[Parent]
    staff: list[Staff]
    officials: list[OfficialAccount]
    index: NameIndex
    same_name_pair: tuple[str, str]  # two current pupils with the same full name
    junior: tuple[str, str]  # (parent_id, pupil_id) sharing a full name
    staff_parent: tuple[str, str]  # (staff_id, parent_id): one person in both registers
    siblings: list[tuple[str, str]] = field(default_factory=list)

    def pupil(self, pupil_id: str) -> Pupil:
        return next(p for p in self.pupils if p.pupil_id == pupil_id)

    def staff_member(self, staff_id: str) -> Staff:
        return next(s for s in self.staff if s.staff_id == staff_id)

    def parent(self, parent_id: str) -> Parent:
        return next(p for p in self.parents if p.parent_id == parent_id)


# ----------------------------------------------------------------------------------------------- families


@dataclass
class _Family:
    family: int
    community: str
    base: str  # the family surname in its masculine / dictionary form
    mother_surname: str
    child_base: str


class _RegisterBuilder:
    def __init__(self, rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo) -> None:
        self.rng = rng
        self.spec = spec
        self.as_of = as_of
        self.info = info
        self.ay = academic_year(as_of)
        self.pupils: list[Pupil] = []
        self.parents: list[Parent] = []
        self.staff: list[Staff] = []
        self.officials: list[OfficialAccount] = []
        self.families = 0
        self.siblings: list[tuple[str, str]] = []
        self.communities = list(names.COMMUNITIES)
        self.weights = [names.COMMUNITIES[c].weight for c in self.communities]

    # -- names -------------------------------------------------------------------------------------------

    def community(self) -> str:
        return self.rng.choices(self.communities, self.weights)[0]

    def surname_form(self, community: str, base: str, sex: str, married: bool = False) -> str:
        c = names.COMMUNITIES[community]
        if sex == "f":
            if married and c.married_feminine and base in c.married_feminine:
                return c.married_feminine[base]
            if c.feminine and base in c.feminine:
                return c.feminine[base]
        return base

    def child_forename(self, community: str, sex: str, avoid: set[str]) -> str:
        c = names.COMMUNITIES[community]
        pool = [n for n in (c.girls if sex == "f" else c.boys) if n not in avoid]
        return self.rng.choice(pool)

    def adult_forename(self, community: str, sex: str) -> str:
        c = names.COMMUNITIES[community]
        return self.rng.choice(c.women if sex == "f" else c.men)

    # -- dates -------------------------------------------------------------------------------------------

    def dob_for_year(self, year_index: int, academic_start: int | None = None) -> date:
        """A birthday putting the child in `year_index` (0 = Reception) in the school year starting
        1 September of `academic_start` (default: the current school year)."""
        start = academic_start if academic_start is not None else self.ay
        first = date(start - 5 - year_index, 9, 1)
        return first + timedelta(days=self.rng.randrange(365))

    # -- families ----------------------------------------------------------------------------------------

    def new_family(self, community: str | None = None, base: str | None = None) -> _Family:
        self.families += 1
        community = community or self.community()
        c = names.COMMUNITIES[community]
        base = base or self.rng.choice(c.surnames)
        roll = self.rng.random()
        if roll < 0.68:
            mother_surname = self.surname_form(community, base, "f", married=True)
            child_base = base
        else:
            # Mother kept her own surname; some families give the children both.
            other = self.community() if self.rng.random() < 0.3 else community
            mother_base = self.rng.choice(names.COMMUNITIES[other].surnames)
            mother_surname = self.surname_form(other, mother_base, "f")
            both = (
                roll > 0.9
                and " " not in base
                and " " not in mother_surname
                and "-" not in base + mother_surname
            )
            child_base = f"{ascii_name(mother_surname)}-{base}" if both and mother_surname.isascii() else base
        return _Family(self.families, community, base, mother_surname, child_base)

    def add_pupil(
        self,
        family: _Family,
        sex: str,
        forename: str,
        dob: date,
        year_group: str,
        status: str = "current",
        leaving_date: date | None = None,
    ) -> Pupil:
        surname = self.surname_form(family.community, family.child_base, sex)
        if family.community == "punjabi" and self.rng.random() < 0.3:
            surname = "Kaur" if sex == "f" else "Singh"
        pupil = Pupil(
            pupil_id=f"P{len(self.pupils) + 1:04d}",
            forename=forename,
            surname=surname,
            preferred_name="",
            sex=sex,
            community=family.community,
            date_of_birth=dob,
            year_group=year_group,
            status=status,
            leaving_date=leaving_date,
            photo_consent=self.rng.choices(["granted", "refused", "withdrawn"], [86, 8, 6])[0],
            family=family.family,
        )
        preferred = names.PREFERRED_NAMES.get(forename)
        if preferred and self.rng.random() < 0.7:
            pupil.preferred_name = self.rng.choice(preferred)
        elif forename in names.DIMINUTIVES and self.rng.random() < 0.08:
            pupil.preferred_name = names.DIMINUTIVES[forename][0]
        self.pupils.append(pupil)
        return pupil

    def add_parents(self, family: _Family, children: list[Pupil], both: bool) -> list[Parent]:
        eldest = min(c.date_of_birth for c in children)
        added = []
        order = ["f", "m"] if self.rng.random() < 0.6 else ["m", "f"]
        for sex in order[: 2 if both else 1]:
            surname = family.mother_surname if sex == "f" else family.base
            parent = Parent(
                parent_id=f"PA{len(self.parents) + 1:04d}",
                title=self.rng.choice(names.TITLES_F[:2]) if sex == "f" else "Mr",
                forename=self.adult_forename(family.community, sex),
                surname=surname,
                sex=sex,
                birth_year=eldest.year - self.rng.randint(22, 42),
                pupil_ids=[c.pupil_id for c in children],
                family=family.family,
            )
            self.parents.append(parent)
            added.append(parent)
        return added

    def current_families(self) -> None:
        per_year = [self.spec.current_pupils // 7] * 7
        for i in self.rng.sample(range(7), self.spec.current_pupils % 7):
            per_year[i] += 1
        remaining = list(per_year)
        # The first families carry features every sample must have (preferred names, accents,
        # gendered surnames, a double-barrelled name, siblings with diminutives, a "junior").
        forced: list[tuple[str, list[tuple[str, str]]]] = [
            ("pakistani", [("m", "Mohammed")]),
            ("polish", [("f", "Aleksandra"), ("m", "Łukasz")]),
            ("irish", [("f", "Siobhán")]),
            ("english", [("f", "Amelia"), ("m", "William")]),
            ("english", [("f", "Zoë")]),
            ("english", [("m", self.rng.choice(PASSED_ON_NAMES))]),
            ("lithuanian", [("f", "Gabija"), ("m", "Jokūbas")]),
            ("nigerian", [("m", "Oluwatobiloba")]),
        ]
        junior: tuple[str, str] | None = None
        while sum(remaining) > 0:
            if forced:
                community, kids = forced.pop(0)
                family = self.new_family(community)
                if kids[0][1] == "Zoë":
                    family.child_base = self.rng.choice(["Hamilton-Price", "Lloyd-Jones", "Fox-Holloway"])
                    family.mother_surname, family.base = family.child_base.split("-")
            else:
                family = self.new_family()
                n = min(self.rng.choices([1, 2, 3], [72, 23, 5])[0], sum(remaining))
                kids = []
                for _ in range(n):
                    sex = self.rng.choice("fm")
                    kids.append((sex, self.child_forename(family.community, sex, {k[1] for k in kids})))
            open_years = [i for i, r in enumerate(remaining) if r > 0]
            if family.family <= 8 and any(i >= 2 for i in open_years):
                # Children of the feature families are old enough to have their own accounts.
                open_years = [i for i in open_years if i >= 2]
            years = self.rng.sample(open_years, min(len(kids), len(open_years)))
            twins = len(years) < len(kids)
            children: list[Pupil] = []
            for k, (sex, forename) in enumerate(kids):
                year = years[k % len(years)]
                dob = children[0].date_of_birth if twins and k >= len(years) else self.dob_for_year(year)
                if remaining[year] <= 0:
                    break
                remaining[year] -= 1
                child = self.add_pupil(family, sex, forename, dob, YEAR_GROUPS[year])
                if forename in ("Mohammed", "Aleksandra", "Oluwatobiloba"):
                    child.preferred_name = names.PREFERRED_NAMES[forename][0]
                children.append(child)
            if not children:
                continue
            both = self.rng.random() < self.spec.parents_per_family - 1
            is_junior = junior is None and family.community == "english" and kids[0][1] in PASSED_ON_NAMES
            parents = self.add_parents(family, children, both or is_junior)
            if is_junior:
                father = next(p for p in parents if p.sex == "m")
                father.forename = children[0].forename
                father.surname = children[0].surname
                junior = (father.parent_id, children[0].pupil_id)
            for older, younger in itertools.pairwise(children):
                self.siblings.append((older.pupil_id, younger.pupil_id))
        assert junior is not None
        self.junior = junior

    def same_name_pair(self) -> tuple[str, str]:
        """A second current pupil with the very name of another, in a different family and year."""
        candidates = [
            p
            for p in self.pupils
            if p.community == "english"
            and p.year_group in ("3", "4", "5", "6")
            and "-" not in p.surname
            # Not the child who shares a full name with their father: that pair is a case of its own.
            and p.pupil_id != self.junior[1]
        ]
        first = self.rng.choice(candidates)
        family = self.new_family("english", base=first.surname)
        family.child_base = first.surname
        year = self.rng.choice([y for y in (3, 4, 5, 6) if YEAR_GROUPS[y] != first.year_group])
        second = self.add_pupil(family, first.sex, first.forename, self.dob_for_year(year), YEAR_GROUPS[year])
        second.photo_consent = "granted"
        self.add_parents(family, [second], both=False)
        return first.pupil_id, second.pupil_id

    def left_pupils(self) -> None:
        n = self.spec.left_pupils
        adults = max(2, n // 4)
        leavers = max(3, n // 2)
        movers = max(1, n - adults - leavers)
        for i in range(adults + leavers + movers):
            if i < adults:
                # Seven years on they are 18 or 19: adults, and young enough for a register that keeps 20 years.
                left_in = self.ay - 7
                leaving = date(left_in, 7, self.rng.randint(17, 23))
                year_index = 6
                dob = self.dob_for_year(6, academic_start=left_in - 1)
            elif i < adults + leavers:
                left_in = self.ay - self.rng.randint(0, 4)
                leaving = date(left_in, 7, self.rng.randint(17, 23))
                year_index = 6
                dob = self.dob_for_year(6, academic_start=left_in - 1)
            else:
                leaving = self.as_of - timedelta(days=self.rng.randint(20, 900))
                year_index = self.rng.randint(0, 5)
                dob = self.dob_for_year(year_index, academic_start=academic_year(leaving))
            sex = self.rng.choice("fm")
            family = self.new_family()
            pupil = self.add_pupil(
                family,
                sex,
                self.child_forename(family.community, sex, set()),
                dob,
                YEAR_GROUPS[year_index],
                status="left",
                leaving_date=leaving,
            )
            pupil.photo_consent = "granted"

    # -- staff -------------------------------------------------------------------------------------------

    def staff_roles(self) -> list[str]:
        forms = max(1, round(self.spec.current_pupils / 7 / 30))
        roles = ["Headteacher", "Deputy Headteacher"]
        if self.spec.staff >= 40:
            roles += [
                "Assistant Headteacher",
                "SENCo",
                "School Business Manager",
                "PE Teacher",
                "Music Teacher",
            ]
        for year in YEAR_GROUPS:
            label = "Reception" if year == "R" else f"Year {year}"
            roles += [f"Class Teacher, {label}"] * forms
        roles += ["Office Manager", "Site Manager", "Cook"]
        extras = ["Teaching Assistant"] * 6 + [
            "Higher Level Teaching Assistant",
            "Midday Supervisor",
            "Administrator",
        ]
        while len(roles) < self.spec.staff:
            roles.append(self.rng.choice(extras))
        return roles[: self.spec.staff]

    def build_staff(self) -> tuple[str, str]:
        roles = self.staff_roles()
        # One teaching assistant is also a parent at the school: the same person in both registers.
        per_family = Counter(p.family for p in self.parents)
        two_parent = [p for p in self.parents if per_family[p.family] == 2]
        parent = self.rng.choice([p for p in two_parent if p.sex == "f"] or two_parent)
        ta_index = next((i for i, r in enumerate(roles) if r == "Teaching Assistant"), len(roles) - 1)
        staff_parent = ("", parent.parent_id)
        for i, role in enumerate(roles):
            staff_id = f"S{i + 1:03d}"
            if i == ta_index:
                member = Staff(
                    staff_id,
                    parent.title,
                    parent.forename,
                    parent.surname,
                    "",
                    parent.sex,
                    "Teaching Assistant",
                    parent.birth_year,
                    parent_id=parent.parent_id,
                )
                parent.staff_id = staff_id
                staff_parent = (staff_id, parent.parent_id)
            else:
                community = self.rng.choices(
                    self.communities,
                    [
                        w * (6 if c == "english" else 1)
                        for c, w in zip(self.communities, self.weights, strict=True)
                    ],
                )[0]
                sex = self.rng.choices("fm", [80, 20] if "Teach" in role or "Class" in role else [55, 45])[0]
                forename = self.adult_forename(community, sex)
                surname = self.surname_form(
                    community, self.rng.choice(names.COMMUNITIES[community].surnames), sex, married=True
                )
                title = self.rng.choice(names.TITLES_F) if sex == "f" else "Mr"
                if self.rng.random() < 0.04:
                    title = "Dr"
                preferred = ""
                if forename in names.DIMINUTIVES and self.rng.random() < 0.35:
                    preferred = names.DIMINUTIVES[forename][0]
                member = Staff(
                    staff_id,
                    title,
                    forename,
                    surname,
                    preferred,
                    sex,
                    role,
                    self.as_of.year - self.rng.randint(24, 62),
                )
            self.staff.append(member)
        return staff_parent

    def official_accounts(self) -> None:
        teachers = {s.role.split(", ")[-1]: s for s in self.staff if s.role.startswith("Class Teacher")}
        specs: list[tuple[str, str, str]] = []
        for label in ("Year 6", "Year 5", "Reception", "Year 4", "Year 3", "Year 2", "Year 1"):
            short = "EYFS" if label == "Reception" else label.replace(" ", "")
            specs.append((label, f"{self.info.initials}_{short}", f"{self.info.short_name} {label}"))
        specs.insert(1, ("PE", f"{self.info.initials}_PE", f"{self.info.short_name} PE & Sport"))
        specs.insert(4, ("Library", f"{self.info.initials}_Library", f"{self.info.short_name} Library"))
        count = self.spec.official_accounts
        for label, handle, title in specs[: count - 1]:
            owner = teachers.get(label) or self.rng.choice(self.staff[2:])
            owner.official_handles.append(f"x:@{handle}")
            self.officials.append(OfficialAccount(owner.staff_id, "x", handle, title))
        # The choir's YouTube channel, run by a member of staff: declared, so its subscription is allowed.
        choir_owner = self.rng.choice(self.staff[2:])
        channel = yt_channel_id(self.rng)
        choir_owner.official_handles.append(f"youtube:{channel}")
        self.officials.append(
            OfficialAccount(choir_owner.staff_id, "youtube", channel, f"{self.info.short_name} Choir")
        )

    def index(self) -> NameIndex:
        index = NameIndex()
        for p in self.pupils:
            forms = [p.forename, *names.DIMINUTIVES.get(p.forename, ())] + (
                [p.preferred_name] if p.preferred_name else []
            )
            index.add(p.pupil_id, forms, p.surname)
        for s in self.staff:
            forms = [s.forename, *names.DIMINUTIVES.get(s.forename, ())] + (
                [s.preferred_name] if s.preferred_name else []
            )
            index.add(s.staff_id, forms, s.surname)
        for a in self.parents:
            index.add(a.parent_id, [a.forename, *names.DIMINUTIVES.get(a.forename, ())], a.surname)
        return index

    def ensure_consent_mix(self) -> None:
        current = [p for p in self.pupils if p.status == "current"]
        for state in ("refused", "withdrawn"):
            if not any(p.photo_consent == state for p in current):
                self.rng.choice([p for p in current if p.photo_consent == "granted"]).photo_consent = state


def build_registers(rng: random.Random, spec: SizeSpec, as_of: date, info: SchoolInfo) -> Registers:
    builder = _RegisterBuilder(rng, spec, as_of, info)
    builder.current_families()
    pair = builder.same_name_pair()
    builder.left_pupils()
    builder.ensure_consent_mix()
    staff_parent = builder.build_staff()
    builder.official_accounts()
    return Registers(
        pupils=builder.pupils,
        parents=builder.parents,
        staff=builder.staff,
        officials=builder.officials,
        index=builder.index(),
        same_name_pair=pair,
        junior=builder.junior,
        staff_parent=staff_parent,
        siblings=builder.siblings,
    )
