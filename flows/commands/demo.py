"""`socialaudit demo`: the sample school audited against the sandbox, end to end."""

from __future__ import annotations

import argparse
import shlex
import shutil
from pathlib import Path

from flows.commands.common import DEMO_AS_OF, program_as_typed, run_audit
from flows.commands.parameters import PATH, Declared, option

NAME = "demo"
SECTION = "Setting up"
HELP = "build the sample school and run the weekly audit against the sandbox"
DRAWS_ON_TERMINAL = True  # a live display or a progress line


def options() -> list[Declared]:
    return [option("--dir", type=PATH, default=Path("demo-output"), help="where to put everything")]


def run(args: argparse.Namespace) -> int:
    from sandbox.school import write_sample

    root: Path = args.dir
    if root.exists():
        shutil.rmtree(root)
    write_sample(root / "school", seed=1, size="small", as_of=DEMO_AS_OF)
    result = run_audit(
        root / "school" / "school.toml", root / "warehouse.duckdb", root / "out", DEMO_AS_OF, True
    )
    print(f"{result['exceptions']} exceptions; report: {result['report']}")
    warehouse = shlex.quote(str(root / "warehouse.duckdb"))
    print(f"to review them: export SOCIALAUDIT_DB={warehouse}; {program_as_typed()} exceptions list")
    return 0
