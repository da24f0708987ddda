"""The weekly backup as a Prefect flow (prefect.yaml's `backup` deployment), so a backup that fails or does not
happen is seen and alerted on like a weekly run (`socialaudit alerts install --flow warehouse-backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger

from flows import credentials
from flows.backup import backup_warehouse
from flows.config.school import load_config
from flows.warehouse_location import warehouse_location
from warehouse.db import encryption_key

DEFAULT_BACKUPS = Path("data/backups")


@flow(name="warehouse-backup")
def warehouse_backup(
    school_toml: str, out_dir: str = str(DEFAULT_BACKUPS), db_path: str | None = None
) -> dict[str, Any]:
    """Back up the school's warehouse into the folder `out_dir` (keys and `[retention] backup_weeks` from
    `school_toml`); `db_path` None: the warehouse as every command names it."""
    config = load_config(Path(school_toml))
    db = warehouse_location(db_path, config)
    with encryption_key(credentials.warehouse_key(config)):
        done = backup_warehouse(
            db, Path(out_dir), credentials.backup_key(config), config.retention.backup_weeks
        )
    summary = {
        "backup": str(done["backup"]),
        "taken_at": done["taken_at"].isoformat(),
        "tables": done["tables"],
        "rows": done["rows"],
        "removed": len(done["removed"]),
    }
    get_run_logger().info("backup of the warehouse written: %s", summary)
    return summary
