"""Families who write Cyrillic or Greek, joining the blind family's registers (blind_forms.py): the default school
has none, and a name written in its own script needs families whose script it is. Their Latin spellings are the
ones their passports give (Oleksandr, Sofiia, Papadopoulou), as a UK school records them."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sandbox.school.model import Parent, Pupil
from sandbox.school.people import Registers
from sandbox.school.sizes import YEAR_GROUPS, SizeSpec

# Families who write Cyrillic or Greek: (community, child's forename, sex, surname for a boy, for a girl, mother).
NEWCOMERS = (
    ("ukrainian", "Oleksandr", "m", "Kovalenko", "Kovalenko", "Olena"),
    ("greek", "Eleni", "f", "Papadopoulos", "Papadopoulou", "Despina"),
    ("bulgarian", "Kaloyan", "m", "Ivanov", "Ivanova", "Desislava"),
    ("ukrainian", "Sofiia", "f", "Shevchenko", "Shevchenko", "Iryna"),
    ("greek", "Georgios", "m", "Nikolaidis", "Nikolaidou", "Vasiliki"),
    ("bulgarian", "Yoana", "f", "Petrov", "Petrova", "Svetla"),
    ("ukrainian", "Mykyta", "m", "Melnyk", "Melnyk", "Tetiana"),
    ("greek", "Katerina", "f", "Georgiou", "Georgiou", "Eleni"),
    ("ukrainian", "Daryna", "f", "Bondarenko", "Bondarenko", "Olena"),
    ("bulgarian", "Georgi", "m", "Dimitrov", "Dimitrova", "Desislava"),
    ("greek", "Konstantinos", "m", "Christodoulou", "Christodoulou", "Sofia"),
    ("ukrainian", "Anastasiia", "f", "Tkachenko", "Tkachenko", "Iryna"),
)


def add_newcomers(rng: random.Random, spec: SizeSpec, as_of: date, registers: Registers) -> None:
    """Families who write Cyrillic or Greek join the registers: a pupil in Years 3 to 6 and their mother each."""
    start = as_of.year if as_of.month >= 9 else as_of.year - 1
    family = max((p.family for p in registers.pupils), default=0)
    for community, forename, sex, his, hers, mother in NEWCOMERS[: 4 * spec.plant_scale]:
        surname = hers if sex == "f" else his
        if registers.index.owners(forename, surname):
            continue
        family += 1
        year = rng.randint(3, 6)
        dob = date(start - 5 - year, 9, 1) + timedelta(days=rng.randrange(365))
        pupil = Pupil(
            f"P{len(registers.pupils) + 1:04d}", forename, surname, "", sex, community, dob,
            YEAR_GROUPS[year], "current", None, "granted", family,
        )  # fmt: skip
        parent = Parent(
            f"PA{len(registers.parents) + 1:04d}", rng.choice(("Mrs", "Ms")), mother, hers, "f",
            dob.year - rng.randint(24, 40), [pupil.pupil_id], family,
        )  # fmt: skip
        registers.pupils.append(pupil)
        registers.parents.append(parent)
        registers.index.add(pupil.pupil_id, [forename], surname)
        registers.index.add(parent.parent_id, [mother], hers)
