"""A person's age and a child's school year, reckoned one way for the registers' checks, identity resolution and
the rules alike (English schools: the school year starts on 1 September)."""

from __future__ import annotations

from datetime import date

# Adulthood: the policies protect pupils, and former pupils under this age.
ADULT_AGE = 18


def age_on(born: date, day: date) -> int:
    """Whole years from `born` to `day`. Someone born on 29 February is a year older on 1 March in other years."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_minor(born: date | None, day: date) -> bool:
    """Under ADULT_AGE on `day` (an 18th birthday on `day` is 18); False when the date of birth is unknown."""
    return born is not None and age_on(born, day) < ADULT_AGE


def school_year_start(day: date) -> int:
    """The calendar year in which the school year holding `day` began (1 September)."""
    return day.year if day.month >= 9 else day.year - 1


def implied_year_index(born: date, on: date) -> int:
    """The year group (counted from Reception = 0) an English child born on `born` is in on `on`.

    A child starts Reception in the September after their fourth birthday, so those born 1 September to
    31 August share a year group.
    """
    born_in_school_year_ending = born.year + (1 if born.month >= 9 else 0)
    return school_year_start(on) - 4 - born_in_school_year_ending
