"""The sample school's X background: organisations and members of the public with no tie to the registers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.school import names, text
from sandbox.school.accounts import SocialBase
from sandbox.school.model import Truth, XUser, ascii_name, fold


class PublicFollowers(SocialBase):
    """X background: organisations and members of the public."""

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
