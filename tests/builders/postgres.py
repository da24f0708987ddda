"""A throwaway PostgreSQL cluster on a free port (Debian's postgresql: initdb + pg_ctl), for DuckLake catalogs:
one per pytest process (tests/conftest.py), a database of its own for each module that asks for one.

initdb refuses to run as root: as root the cluster belongs to the `postgres` system user (via runuser).
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.builders.ports import free_port


def postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster: each user of it makes a database of its own (schools named alike in two
    modules would otherwise share a metadata schema)."""

    binaries: Path
    port: int
    as_user: tuple[str, ...]
    root: Path

    def new_database(self) -> str:
        """A fresh, empty database in the cluster: its libpq connection string."""
        name = f"socialaudit_{next(_DATABASE_NUMBERS)}"
        self._run(
            str(self.binaries / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name
        )
        return f"dbname={name} host=127.0.0.1 port={self.port} user=postgres"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, cwd=self.root, timeout=120)


_DATABASE_NUMBERS = itertools.count(1)


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a cluster in a temporary directory (fsync off: nothing here outlives it); stopped and removed after."""
    binaries = postgres_bin()
    assert binaries is not None, "PostgreSQL is not installed (make postgres)"
    as_user = ("runuser", "-u", "postgres", "--") if os.geteuid() == 0 else ()
    # Not under pytest's tmp_path: the postgres user could not reach into root's 0700 folders.
    root = Path(tempfile.mkdtemp(prefix="socialaudit-pg-"))
    if as_user:
        shutil.chown(root, "postgres")
    cluster = Cluster(binaries, free_port(), as_user, root)
    data = root / "data"
    cluster._run(str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-p {cluster.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    cluster._run(
        str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"
    )
    try:
        yield cluster
    finally:
        try:
            cluster._run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(root, ignore_errors=True)


def relation_files(conninfo: str, schema: str) -> list[Path]:
    """The files holding the tables of `schema` (heap, TOAST and their indexes, every segment), for a byte search."""
    import duckdb

    from warehouse import lake

    con = duckdb.connect(
        ":memory:", config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    try:
        lake.load_extensions(con, "postgres")
        con.execute("ATTACH '" + conninfo.replace("'", "''") + "' AS pg (TYPE postgres)")
        con.execute("CALL postgres_execute('pg', 'CHECKPOINT')")  # what sits in shared buffers, on disk
        query = (
            "SELECT current_setting('data_directory') || '/' || pg_relation_filepath(c.oid) FROM pg_class AS c"
            " JOIN pg_namespace AS n ON n.oid = c.relnamespace"
            f" WHERE n.nspname = '{schema}' OR c.oid IN (SELECT reltoastrelid FROM pg_class AS t"
            f"   JOIN pg_namespace AS m ON m.oid = t.relnamespace WHERE m.nspname = '{schema}')"
            " OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT reltoastrelid FROM pg_class AS t"
            f"   JOIN pg_namespace AS m ON m.oid = t.relnamespace WHERE m.nspname = '{schema}'))"
        )
        paths = [
            str(r[0])
            for r in con.execute("SELECT * FROM postgres_query('pg', ?)", [query]).fetchall()
            if r[0]
        ]
    finally:
        con.close()
    return [Path(p) for base in paths for p in sorted(glob.glob(base + "*")) if Path(p).is_file()]
