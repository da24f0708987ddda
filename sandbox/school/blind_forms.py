"""Opt-in blind forms (`forms="blind"`): a family of presentations built from a description in general terms alone,
by someone who never read the resolver, so that scoring it measures the resolver where it was not tuned.

What the family holds, per `plant_scale` round, every case labelled `blind: <whose it is>: <how it is written>`:
- pupils, a former pupil and staff whose name is written in their own script (Arabic, Urdu, Devanagari, Gurmukhi,
  Bengali, Chinese, Cyrillic, Greek: scripts.py) while the register holds the Latin spelling; with channel or
  brand words around a name ("gaming", "tv", "vlogs", "official", "plays", "yt"); with digits standing for letters
  throughout (3 for e, 0 for o, 1 for i or l, 4 for a, 5 for s, 7 for t); the clues spread over every field a
  platform returns (X: name, username, description, location, url; YouTube: a channel's title and description, a
  commenter's shown handle);
- a shared account naming two pupils (one finding for each), and accounts about a pupil run by a parent who says
  so (the parent's account: never the pupil's at medium or above);
- people who must not be flagged: a business sharing a pupil's name, a grandparent naming a grandchild in the bio,
  and an adult abroad writing a pupil's name in the same script;
- a pupil who gives too little to decide (`undecidable`: neither rewarded nor penalised).

The default school is built first and left as it was; the families who write Cyrillic or Greek join its registers
(their Latin spellings as their passports give them), then the accounts are drawn from a random stream of their own.
A plant is drawn only when a careful reader could decide it: the name as written belongs to one register person.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sandbox.school import names, text
from sandbox.school.accounts import SocialBase
from sandbox.school.ids import token, yt_channel_id
from sandbox.school.model import (
    Pupil,
    Staff,
    Truth,
    XUser,
    YTChannel,
    YTComment,
    YTVideo,
    age_on,
    fold,
)
from sandbox.school.scripts import NATIVE, SCRIPT_OF_COMMUNITY, in_digits, reading_key, written

BRAND_WORDS = ("gaming", "tv", "vlogs", "official", "plays", "yt")
TRADES = ("Joinery", "Plumbing", "Hair & Beauty", "Accountants", "Builders", "Driving School", "Photography")
ABROAD = {
    "arabic": "Amman",
    "urdu": "Lahore",
    "devanagari": "Ahmedabad",
    "gurmukhi": "Ludhiana",
    "bengali": "Sylhet",
    "han": "Shanghai",
    "cyrillic": "Kyiv",
    "greek": "Thessaloniki",
}


def case(whose: str, how: str) -> str:
    return f"blind: {whose}: {how}"


class BlindForms(SocialBase):
    """The blind family's accounts; `used` starts with everyone the default school already planted."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        people: list[tuple[str, str, str, str]] = [
            (p.pupil_id, p.community, p.forename, p.surname) for p in self.reg.pupils
        ]
        people += [(s.staff_id, "", s.forename, s.surname) for s in self.reg.staff]
        people += [(a.parent_id, "", a.forename, a.surname) for a in self.reg.parents]
        # Who a spelling could be, for a reader of each script and for a reader of digits.
        self.script_owners: Counter[tuple[str, str]] = Counter()
        for _, _, forename, surname in people:
            for script in NATIVE:
                shown = written(script, forename, surname)
                if shown:
                    self.script_owners[(script, reading_key(shown))] += 1
        self.scripts_drawn: Counter[str] = Counter()
        self.digit_owners = Counter(in_digits(fold(f) + fold(s)) for _, _, f, s in people)

    # -- how a person is written ---------------------------------------------------------------------------

    def script_name(self, community: str, forename: str, surname: str) -> tuple[str, str] | None:
        """(script, the name as the family writes it) when one register person alone reads that way."""
        script = SCRIPT_OF_COMMUNITY.get(community)
        shown = written(script, forename, surname) if script else None
        if script is None or shown is None or self.script_owners[(script, reading_key(shown))] != 1:
            return None
        return script, shown

    def digits_unique(self, forename: str, surname: str) -> bool:
        return self.digit_owners[in_digits(fold(forename) + fold(surname))] == 1

    def _nameless_handle(self) -> str:
        """A username that names nobody (the caller takes it through `username`)."""
        word = self.rng.choice(("pixel", "shadow", "dino", "comet", "lava", "frost", "ninja", "panda"))
        return f"{word}_{self.rng.choice(BRAND_WORDS)}{self.rng.randint(1, 99)}"

    def _fits(self, handle: str) -> bool:
        return 4 <= len(handle) <= 15 and handle.lower() not in self.usernames

    def _year_cue(self, p: Pupil) -> str:
        return self.rng.choice((f"Year {p.year_group}", f"yr{p.year_group}", f"Y{p.year_group}"))

    # -- X -------------------------------------------------------------------------------------------------

    def followers(self) -> list[XUser]:
        out: list[XUser] = []
        for _ in range(self.spec.plant_scale):
            for make in (
                self.pupil_in_script,
                self.pupil_in_script,
                self.pupil_with_brand,
                self.pupil_with_brand,
                self.pupil_in_digits,
                self.pupil_in_digits,
                self.pupil_digits_and_brand,
                self.shared_account,
                self.run_by_parent,
                self.business,
                self.grandparent,
                self.namesake_in_script,
                self.staff_member,
                self.former_pupil,
                self.pupil_undecidable,
            ):
                out += make()
        return out

    def _pupil_in_script(self, accept_left: bool = False) -> tuple[Pupil, str, str] | None:
        """A pupil whose family writes another script, the scripts taken in turn (the least drawn first)."""
        pool = self.left if accept_left else self.current
        by_script: dict[str, list[tuple[Pupil, str]]] = {}
        for p in pool:
            if p.pupil_id in self.used or (not accept_left and p.year_group in ("R", "1", "2")):
                continue
            if accept_left and not 11 <= age_on(p.date_of_birth, self.as_of) < 18:
                continue
            found = self.script_name(p.community, p.forename, p.surname)
            if found:
                by_script.setdefault(found[0], []).append((p, found[1]))
        if not by_script:
            return None
        fewest = min(self.scripts_drawn[s] for s in by_script)
        script = self.rng.choice(sorted(s for s in by_script if self.scripts_drawn[s] == fewest))
        p, shown = self.rng.choice(by_script[script])
        self.scripts_drawn[script] += 1
        self.used.add(p.pupil_id)
        return p, script, shown

    def pupil_in_script(self) -> list[XUser]:
        """The whole name in the family's script, in the display name or the bio; the username says nothing."""
        drawn = self._pupil_in_script()
        if drawn is None:
            return []
        p, script, shown = drawn
        if self.rng.random() < 0.6:
            display, bio, where = shown, self.rng.choice(("", self._year_cue(p), "🎮⚽")), "name"
        else:
            display = self.rng.choice(("🌙", "⭐", "🎮", p.forename[0] + "."))
            bio, where = f"{shown} | {self._year_cue(p)} {self.rng.choice(['⚽', '📚', '🎨'])}", "description"
        truth = Truth("pupil", p.pupil_id, "hard", case("pupil", f"own script ({script}) in {where}"))
        return [self.pupil_user(p, display, [self._nameless_handle()], truth, bio)]

    def _pupil_named(self) -> Pupil | None:
        """A pupil whose name, in digits too, belongs to nobody else in the registers."""
        return self.take_pupil(self.current, lambda q: self.digits_unique(q.known_as, q.surname))

    def pupil_with_brand(self) -> list[XUser]:
        """A channel name around the pupil's name, the name's parts spread over the fields."""
        p = self._pupil_named()
        if p is None:
            return []
        fn, sn, word = fold(p.known_as), fold(p.surname), self.rng.choice(BRAND_WORDS)
        first, last, brand = (
            p.known_as,
            p.surname,
            word.upper() if word in ("tv", "yt") else word.capitalize(),
        )
        layout = self.rng.choice(("name", "username", "url", "description"))
        if layout == "username" and not any(
            self._fits(h) for h in (f"{fn}_{sn}_{word}", f"{fn}{sn}_{word}", f"{fn}{sn}{word}")
        ):
            layout = "description"  # the whole name does not fit in 15 characters: the bio says it
        url = None
        bio = self.rng.choice(("", "subscribe!! 🎮", "new vids every friday", self._year_cue(p)))
        if layout == "name":
            display, handles = (
                f"{first} {last} {brand}",
                [f"{fn}{sn}{word}", f"{fn}_{word}{self.rng.randint(1, 9)}"],
            )
        elif layout == "username":
            display, handles = (
                f"{first}{brand} 🎮",
                [f"{fn}_{sn}_{word}", f"{fn}{sn}_{word}", f"{fn}{sn}{word}"],
            )
        elif layout == "url":
            display, handles = f"{first} {brand}", [f"{word}_{fn}{self.rng.randint(10, 99)}"]
            url = f"https://www.youtube.com/@{first}{last.replace(' ', '')}{brand}"
        else:
            display, handles = f"{brand} {first[0]}", [f"{fn[:4]}_{word}{self.rng.randint(10, 99)}"]
            bio = f"{first} {last} {brand} 🎮 {self._year_cue(p)}"
        truth = Truth(
            "pupil", p.pupil_id, "medium", case("pupil", f"channel word ({word}) with name in {layout}")
        )
        user = self.pupil_user(p, display, handles, truth, bio)
        user.url = url
        return [user]

    def pupil_in_digits(self) -> list[XUser]:
        """Digits for letters throughout, in the display name, the username or both."""
        p = self._pupil_named()
        if p is None:
            return []
        shown = in_digits(f"{p.known_as} {p.surname}")
        handle = in_digits(f"{fold(p.known_as)}{fold(p.surname)}")
        where = self.rng.choice(("name", "username", "both"))
        if where == "username" and not self._fits(handle):
            where = "both"  # the username holds only part of the name: the display name says the rest
        display = shown if where != "username" else self.rng.choice(("✨", p.known_as[0] + " ⚽"))
        handles = [handle, f"{handle[:12]}_x"] if where != "name" else [self._nameless_handle()]
        truth = Truth("pupil", p.pupil_id, "medium", case("pupil", f"digits for letters in {where}"))
        return [self.pupil_user(p, display, handles, truth, self.rng.choice(("", self._year_cue(p))))]

    def pupil_digits_and_brand(self) -> list[XUser]:
        """Both at once: "0l1v3r_g4m1ng" with the surname in the location or the bio."""
        p = self._pupil_named()
        if p is None:
            return []
        word = self.rng.choice(BRAND_WORDS)
        handle = in_digits(f"{fold(p.known_as)}_{word}")
        surname_in = self.rng.choice(("description", "location"))
        bio = f"{in_digits(p.surname)} f4m1ly 🎮" if surname_in == "description" else self._year_cue(p)
        truth = Truth(
            "pupil", p.pupil_id, "hard", case("pupil", f"digits and channel word, surname in {surname_in}")
        )
        user = self.pupil_user(
            p, in_digits(f"{p.known_as} {word}"), [handle, f"{handle[:12]}{p.year_group}"], truth, bio
        )
        if surname_in == "location":
            user.location = f"{in_digits(p.surname)} h0u53, {self.local()}"
        return [user]

    def shared_account(self) -> list[XUser]:
        """Two pupils of one family share an account and both are named: a finding for each."""
        for a, b in self.rng.sample(self.reg.siblings, len(self.reg.siblings)):
            pair = (self.reg.pupil(a), self.reg.pupil(b))
            if any(q.pupil_id in self.used or q.status != "current" for q in pair):
                continue
            if not all(self.unique_name(q.pupil_id, q.known_as, q.surname) for q in pair):
                continue
            self.used.update((a, b))
            x, y = pair
            together = (
                f"{x.known_as} & {y.known_as} {y.surname}"
                if x.surname == y.surname
                else (f"{x.known_as} {x.surname} & {y.known_as} {y.surname}")
            )
            word = self.rng.choice(BRAND_WORDS)
            display, bio = (
                (together, "brother & sister channel 🎮")
                if self.rng.random() < 0.5
                else (f"The {x.surname} Kids {word.upper()}", f"{together} 🎮 we play every weekend")
            )
            truth = Truth("pupil", a, "medium", case("pupil", "shared account naming two pupils"), also=(b,))
            handles = [f"{fold(x.known_as)}and{fold(y.known_as)}", f"{fold(x.surname)}kids_{word}"]
            return [self.pupil_user(x, display, handles, truth, bio)]
        return []

    def run_by_parent(self) -> list[XUser]:
        """An account about a pupil that says a parent runs it: the parent's account."""
        parents = {
            pid: parent for parent in self.reg.parents if parent.staff_id is None for pid in parent.pupil_ids
        }
        p = self.take_pupil(self.current, lambda q: q.pupil_id in parents)
        if p is None:
            return []
        parent = parents[p.pupil_id]
        who = {"f": "mum", "m": "dad"}[parent.sex]
        bio = self.rng.choice(
            (
                f"Run by {p.known_as}'s {who} 💙 football, medals and proud moments",
                f"Account managed by a parent. {p.known_as}, {age_on(p.date_of_birth, self.as_of)}, future star ⚽",
                f"{who.capitalize()} runs this page for {p.known_as}'s dance and gymnastics 🤸",
            )
        )
        display = self.rng.choice((f"{p.known_as} {p.surname} ⚽", f"Team {p.known_as} {p.surname}"))
        where = "description"
        if self.rng.random() < 0.3:
            display, bio, where = f"{p.known_as} {p.surname} (run by {who})", "", "name"
        handles = [f"{fold(p.known_as)}{fold(p.surname)}_fc", f"team_{fold(p.known_as)}{fold(p.surname)[:4]}"]
        truth = Truth(
            "parent", parent.parent_id, "medium", case("run by parent", f"about a pupil, said in {where}")
        )
        return [self.x_user(display, self.username(*handles), self.adult_created(), truth, bio, self.local())]

    def business(self) -> list[XUser]:
        """A firm whose name is a pupil's full name (the founder's, long before the child was born)."""
        p = self.rng.choice([q for q in self.current if self.unique_name(q.pupil_id, q.known_as, q.surname)])
        trade = self.rng.choice(TRADES)
        slug = fold(p.known_as) + fold(p.surname) + fold(trade.split()[0])
        official = self.rng.random() < 0.4
        display = f"{p.known_as} {p.surname} {trade}" + (" Official" if official else "")
        bio = f"{trade} in {self.local()} since {self.rng.randint(1985, 2012)}. Free quotes. Family run, fully insured."
        truth = Truth("unknown", None, "medium", case("business", "shares a pupil's name"))
        user = self.x_user(display, self.username(slug[:15], slug[:11] + "_ltd"), self.adult_created(), truth, bio,
                           self.local(), style="org")  # fmt: skip
        user.url = f"https://www.{slug}.co.uk"
        return [user]

    def grandparent(self) -> list[XUser]:
        """A grandparent naming a grandchild, by full name, in the bio."""
        p = self.rng.choice([q for q in self.current if self.unique_name(q.pupil_id, q.known_as, q.surname)])
        title = self.rng.choice(("Nana", "Nanny", "Grandma", "Grandad", "Grandpa"))
        elders = names.COMMUNITIES.get(p.community, names.COMMUNITIES["english"])
        forename = self.rng.choice(
            elders.men if title.startswith("Grand") and title != "Grandma" else elders.women
        )
        if self.reg.index.owners(forename, p.surname):
            return []
        bio = self.rng.choice(
            (
                f"Retired {self.rng.choice(text.JOBS).lower()}. Proud {title.lower()} to {p.known_as} {p.surname} 💕",
                f"{title} of 4. {p.known_as} {p.surname}'s biggest fan ⚽ {self.info.short_name}",
                f"Loving life. {title} to {p.known_as} {p.surname} ({self._year_cue(p)}) ❤️",
            )
        )
        display = self.rng.choice((f"{forename} {p.surname}", f"{title} {forename}"))
        handle = self.username(f"{fold(forename)}{fold(p.surname)}{self.rng.randint(50, 69)}")
        truth = Truth("unknown", None, "medium", case("relative", "grandparent names grandchild in bio"))
        return [self.x_user(display, handle, self.adult_created(), truth, bio, self.local())]

    def namesake_in_script(self) -> list[XUser]:
        """An adult abroad with a pupil's name in the same script: the bio and the place say who."""
        pool = [q for q in self.current if self.script_name(q.community, q.forename, q.surname)]
        if not pool:
            return []
        p = self.rng.choice(pool)
        script, shown = self.script_name(p.community, p.forename, p.surname) or ("", "")
        job = self.rng.choice(text.JOBS)
        bio = f"{job}. {self.rng.choice(['Married, 3 kids', 'Cricket and family', 'Coffee first'])}. {ABROAD[script]}"
        truth = Truth(
            "unknown", None, "medium", case("namesake adult", f"own script ({script}), lives abroad")
        )
        handle = self.username(f"{fold(p.forename)}{self.rng.randint(1970, 1992)}")
        return [self.x_user(shown, handle, self.adult_created(), truth, bio, ABROAD[script])]

    def staff_member(self) -> list[XUser]:
        """A member of staff's personal account: in their script, with a channel word, or in digits."""
        s = self.take_staff(lambda m: self.digits_unique(m.known_as, m.surname))
        if s is None:
            return []
        found = self.script_name(self._community_of(s), s.forename, s.surname)
        form = "script" if found else self.rng.choice(("brand", "digits"))
        word = self.rng.choice(BRAND_WORDS)
        bio = self.rng.choice(("Teacher. Tea, books and long walks.", "Coffee, running and baking.", ""))
        if found:
            display, handle, how = (
                found[1],
                self.username(self._nameless_handle()),
                f"own script ({found[0]})",
            )
        elif form == "brand":
            display = f"{s.known_as} {s.surname} {word.capitalize()}"
            handle, how = (
                self.username(f"{fold(s.known_as)}{fold(s.surname)}{word}"),
                f"channel word ({word})",
            )
        else:
            display, how = in_digits(f"{s.known_as} {s.surname}"), "digits for letters"
            handle = self.username(in_digits(fold(s.known_as) + fold(s.surname)))
        truth = Truth("staff_personal", s.staff_id, "medium", case("staff personal", how))
        return [self.x_user(display, handle, self.adult_created(), truth, bio, self.local())]

    def _community_of(self, s: Staff) -> str:
        """The community whose script holds both of a staff member's names, if one does."""
        return next((c for c, sc in SCRIPT_OF_COMMUNITY.items() if written(sc, s.forename, s.surname)), "")

    def former_pupil(self) -> list[XUser]:
        """A former pupil still under 18: their script if the family writes one, else digits with a channel word."""
        drawn = self._pupil_in_script(accept_left=True)
        p: Pupil | None
        if drawn:
            p, script, display = drawn
            handle, how = self.username(self._nameless_handle()), f"own script ({script})"
        else:
            p = self.take_pupil(self.left, lambda q: 11 <= age_on(q.date_of_birth, self.as_of) < 18
                                and self.digits_unique(q.known_as, q.surname))  # fmt: skip
            if p is None:
                return []
            word = self.rng.choice(BRAND_WORDS)
            display, how = in_digits(f"{p.known_as} {p.surname}"), f"digits for letters ({word} in username)"
            handle = self.username(in_digits(fold(p.known_as) + fold(p.surname))[:12] + word[:3])
        bio = f"ex {self.info.short_name} 🎓" if self.rng.random() < 0.5 else "gaming and football"
        truth = Truth("former_pupil", p.pupil_id, "medium", case("former pupil", how))
        return [self.x_user(display, handle, self.pupil_created(p), truth, bio, None, style="pupil")]

    def pupil_undecidable(self) -> list[XUser]:
        """A forename in digits and a channel word, nothing else: a person could not say which pupil."""
        p = self.take_pupil(self.current, unique=False)
        if p is None:
            return []
        word = self.rng.choice(BRAND_WORDS)
        truth = Truth("pupil", p.pupil_id, "undecidable", case("pupil", "forename in digits, no cue"))
        return [self.pupil_user(p, in_digits(f"{p.known_as} {word}"), [self._nameless_handle()], truth, "")]

    # -- YouTube -------------------------------------------------------------------------------------------

    def youtube(self, videos: list[YTVideo], taken: set[str]) -> tuple[list[YTChannel], list[YTComment]]:
        """Channels subscribing (a pupil's, a staff member's, a business's, one run by a parent) and pupils
        commenting under a handle in their script, in digits or with a channel word."""
        open_videos = [v for v in videos if not v.made_for_kids and v.privacy != "private"]
        channels: list[YTChannel] = []
        comments: list[YTComment] = []
        for _ in range(self.spec.plant_scale):
            channels += self._channels()
            for _ in range(2):
                comment = self._comment(open_videos, taken)
                if comment:
                    comments.append(comment)
        return channels, comments

    def _channel(self, title: str, description: str, truth: Truth) -> YTChannel:
        handle = "@" + fold(title)[:24] + str(self.rng.randint(1, 999))
        return YTChannel(yt_channel_id(self.rng), title, handle, description, self.adult_created(), truth)

    def _channels(self) -> list[YTChannel]:
        out: list[YTChannel] = []
        p = self._pupil_named()
        if p:
            word = self.rng.choice(BRAND_WORDS)
            title = f"{p.known_as} {p.surname} {word.capitalize()}"
            how = f"channel word ({word}) in title"
            if self.rng.random() < 0.5:
                title, how = in_digits(title), f"digits and channel word ({word}) in title"
            truth = Truth("pupil", p.pupil_id, "medium", case("pupil", how))
            out.append(self._channel(title, self.rng.choice(("", f"{self._year_cue(p)} 🎮")), truth))
        s = self.take_staff(lambda m: self.digits_unique(m.known_as, m.surname))
        if s:
            word = self.rng.choice(("Vlogs", "TV", "Official"))
            truth = Truth(
                "staff_personal",
                s.staff_id,
                "medium",
                case("staff personal", f"channel word ({word.lower()})"),
            )
            out.append(
                self._channel(f"{s.known_as} {s.surname} {word}", "Crafts, baking and days out.", truth)
            )
        q = self.rng.choice([c for c in self.current if self.unique_name(c.pupil_id, c.known_as, c.surname)])
        trade = self.rng.choice(TRADES)
        truth = Truth("unknown", None, "medium", case("business", "shares a pupil's name (channel)"))
        description = f"{trade} in {self.local()}: how-to videos and finished jobs. Family run since 2001."
        out.append(self._channel(f"{q.known_as} {q.surname} {trade}", description, truth))
        parents = {pid: a for a in self.reg.parents if a.staff_id is None for pid in a.pupil_ids}
        r = self.take_pupil(self.current, lambda c: c.pupil_id in parents)
        if r:
            who = {"f": "mum", "m": "dad"}[parents[r.pupil_id].sex]
            truth = Truth(
                "parent",
                parents[r.pupil_id].parent_id,
                "medium",
                case("run by parent", "about a pupil (channel)"),
            )
            description = f"This channel is run by {r.known_as}'s {who}. Matches, medals and birthdays."
            out.append(self._channel(f"{r.known_as} {r.surname} Official", description, truth))
        return out

    def _comment(self, videos: list[YTVideo], taken: set[str]) -> YTComment | None:
        """A comment shows only the author's handle, so the handle says who."""
        drawn = self._pupil_in_script() if self.rng.random() < 0.4 else None
        p: Pupil | None
        if drawn:
            p, script, shown = drawn
            handle, how = "@" + shown.replace(" ", ""), f"own script ({script}) in handle"
        else:
            p = self._pupil_named()
            if p is None:
                return None
            word = self.rng.choice(BRAND_WORDS)
            handle, how = (
                "@" + in_digits(fold(p.known_as) + fold(p.surname)) + word,
                f"digits and channel word ({word})",
            )
        if not videos or len(handle) > 31 or handle.lower() in taken:  # a handle holds at most 30 characters
            return None
        taken.add(handle.lower())
        truth = Truth("pupil", p.pupil_id, "medium", case("pupil", how))
        author = YTChannel(
            yt_channel_id(self.rng), handle.lstrip("@"), handle, "", self.pupil_created(p), truth
        )
        video = self.rng.choice(videos)
        when = self.created_between(
            video.published_at + timedelta(hours=2), video.published_at + timedelta(days=60)
        )
        body = self.rng.choice(
            ("i was in this!!!", "best day ever 🔥", "me at the back lol", "miss this place")
        )
        return YTComment("Ugz" + token(self.rng, 19) + "4AaABAg", video.video_id, author, body, when, 0)
