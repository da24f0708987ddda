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
