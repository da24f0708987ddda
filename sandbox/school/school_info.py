"""Who the sample school is: its name, town, contact details, and its approved X and YouTube accounts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

from sandbox.school import names
from sandbox.school.ids import x_id_for, yt_channel_id
from sandbox.school.model import SchoolInfo, academic_year, ascii_name, fold


def build_school_info(rng: random.Random, as_of: date) -> SchoolInfo:
    town, town_slug, localities = rng.choice(names.TOWNS)
    stem = rng.choice(names.SCHOOL_STEMS)
    faith = stem.startswith(("St ", "Holy"))
    types = [t for t in names.SCHOOL_TYPES if (t[2] in ("CE", "RC")) == faith]
    full_type, short_type, suffix = rng.choice(types)
    compact = "".join(c for c in ascii_name(stem) if c.isalnum())
    initials = "".join(word[0] for word in stem.split()) + {"Pri": "PS"}.get(suffix, suffix)
    handle = compact[: 15 - len(suffix)] + suffix
    slug = fold(stem)
    domain = rng.choice([f"{slug}.{town_slug}.sch.uk", f"{slug}{suffix.lower()}.sch.uk"])
    x_year, yt_year = as_of.year - rng.randint(10, 15), as_of.year - rng.randint(7, 12)
    x_created = datetime(x_year, rng.randint(1, 12), rng.randint(1, 28), 10, 5, tzinfo=UTC)
    yt_created = datetime(yt_year, rng.randint(1, 12), rng.randint(1, 28), 14, 30, tzinfo=UTC)
    approved_year = academic_year(as_of) - rng.randint(1, 2)
    return SchoolInfo(
        name=f"{stem} {full_type}",
        short_name=f"{stem} {short_type}",
        initials=initials,
        urn=str(rng.randint(100000, 149999)),
        town=town,
        localities=localities,
        email_domain=domain,
        # 01632 960xxx is Ofcom's range reserved for fiction: it never reaches a real line.
        phone=f"01632 960{rng.randint(0, 999):03d}",
        hashtag=f"#Team{compact}",
        x_handle=handle,
        x_id=x_id_for(x_created, rng),
        x_created=x_created,
        x_approved_on=date(approved_year, 9, rng.randint(2, 20)),
        yt_channel_id=yt_channel_id(rng),
        yt_handle="@" + handle,
        # The channel's handle was changed after approval: the planted account-drift case.
        yt_live_handle="@" + slug + "primary",
        yt_created=yt_created,
        yt_approved_on=date(approved_year, 9, rng.randint(2, 20)),
    )
