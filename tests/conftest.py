"""Suite-wide test settings: Prefect stays offline and keeps nothing between sessions."""

from __future__ import annotations

import os
import tempfile

# Set before anything imports prefect: no telemetry offline, and results/caches never outlive a session.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = tempfile.mkdtemp(prefix="socialaudit-prefect-storage-")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
