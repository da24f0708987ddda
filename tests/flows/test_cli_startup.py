"""The command line starts without the platform clients: `socialaudit --help` imports neither tweepy nor
googleapiclient (the OAuth constants the `auth` command needs live in flows/oauth_settings.py)."""

from __future__ import annotations

import subprocess
import sys


def test_help_imports_no_platform_client() -> None:
    probe = (
        "import sys\n"
        "from flows.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tweepy', 'googleapiclient'))\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout[-2000:]


def test_our_loggers_speaking_outside_a_flow_run_raise_no_prefect_warning() -> None:
    """A trust's "N of M schools done" and a command's counters are logged outside any flow run: with the command
    line's Prefect defaults they reach the terminal and nothing warns that the API has no run to file them under."""
    probe = (
        "import logging, os\n"
        "os.environ.pop('PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW', None)\n"
        "from flows.commands.common import prefect_defaults\n"
        "prefect_defaults()\n"
        "from prefect.logging.configuration import setup_logging\n"
        "setup_logging()\n"
        "logging.getLogger('flows.progress').warning('1 of 3 schools done')\n"
    )
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", probe], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 of 3 schools done" in result.stderr
    assert "without a flow run id" not in result.stderr


def test_the_command_lines_prefect_defaults_count_when_prefect_was_imported_first() -> None:
    """A host process (a library, an embedding app, the suite's forked commands) may import Prefect before the
    command sets its defaults: Prefect's settings are made again, so the defaults count as they do in a fresh one."""
    probe = (
        "import os\n"
        "os.environ.pop('PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW', None)\n"
        "os.environ.pop('PREFECT_SERVER_ANALYTICS_ENABLED', None)\n"
        "import prefect.context\n"
        "from prefect.settings import get_current_settings\n"
        "print('BEFORE', get_current_settings().logging.to_api.when_missing_flow)\n"
        "from flows.commands.common import prefect_defaults\n"
        "prefect_defaults()\n"
        "settings = get_current_settings()\n"
        "print('AFTER', settings.logging.to_api.when_missing_flow, settings.server.analytics_enabled)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert "BEFORE warn" in result.stdout, result.stdout
    assert "AFTER ignore False" in result.stdout, result.stdout
