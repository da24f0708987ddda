"""OAuth constants the CLI needs at start-up, kept apart from flows/credentials.py so that `socialaudit --help`
imports neither tweepy nor googleapiclient."""

from __future__ import annotations

from pathlib import Path

YOUTUBE_READONLY_SCOPE = "https://www.googleapis.com/auth/youtube.readonly"
# commentThreads.list and comments.list accept only this scope (the discovery document lists no other), and
# held-for-review / likely-spam comments need it too. Google calls it "see, edit and delete"; the audit only reads.
YOUTUBE_FORCE_SSL_SCOPE = "https://www.googleapis.com/auth/youtube.force-ssl"
YOUTUBE_SCOPES = [YOUTUBE_FORCE_SSL_SCOPE]
YOUTUBE_SCOPE_REASON = (
    "YouTube lets an app read comments (including those held for review or likely spam, which a safeguarding "
    "lead must see) only with the youtube.force-ssl permission. Google's consent screen describes it as "
    "'See, edit, and permanently delete your YouTube videos, ratings, comments and captions': socialaudit "
    "only ever reads."
)
DEFAULT_TOKEN_FILE = Path("~/.config/socialaudit/youtube-token.json")
