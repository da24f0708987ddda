"""The deterministic sample school: a labelled model of a UK primary school's accounts, written as a sandbox
dataset with its labels beside it, and the scorer of a run's findings against those labels (evaluation.py).

The public entry points live here; each module is named for what it makes (people.py the registers,
social.py the followers and subscribers, content.py the posts and videos, writer.py the dataset files...).
"""

from __future__ import annotations

from sandbox.school.build import DEFAULT_AS_OF, build_school, labels_path_for, write_sample
from sandbox.school.cli import main
from sandbox.school.labels import build_labels
from sandbox.school.model import SampleSchool
from sandbox.school.sizes import SIZES, YEAR_GROUPS
from sandbox.school.weeks import WEEKS, evolve
from sandbox.school.writer import DATASET_ENTRIES, write_dataset

__all__ = [
    "DATASET_ENTRIES",
    "DEFAULT_AS_OF",
    "SIZES",
    "WEEKS",
    "YEAR_GROUPS",
    "SampleSchool",
    "build_labels",
    "build_school",
    "evolve",
    "labels_path_for",
    "main",
    "write_dataset",
    "write_sample",
]
