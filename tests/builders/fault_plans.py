"""The partial-audit fault plans: for each, the sandbox faults (sandbox/server.py FaultPlan's JSON form), the streams
a run meeting them leaves unread, and the (platform, subject kind)s whose exceptions such a run cannot judge. Each
plan is met by the connectors in tests/connectors/test_streams_a_fault_leaves_unread.py and a few as whole audits
in tests/e2e/test_partial_audits.py. A Page's and an Instagram account's followers are never read (the Graph API
lists none): they are not looked at whatever the plan, so no plan names them."""

from __future__ import annotations

from platforms import platform

EVERY_YOUTUBE_STREAM = {("youtube", s.name) for s in platform("youtube").streams}

# (fault plan, the streams not read, the (platform, subject_kind)s whose exceptions the run cannot judge)
PLANS: dict[str, tuple[list[dict], set[tuple[str, str]], set[tuple[str, str]]]] = {
    "x-followers-429": (
        [{"route": "x.followers", "kind": "429-no-reset", "times": -1}],
        {("x", "followers")},
        {("x", "follower")},
    ),
    "x-posts-500": (
        [{"route": "x.tweets", "kind": "500", "times": -1}],
        {("x", "posts")},
        {("x", "post")},
    ),
    # A stream failing for good the same way on either platform: X's truncated answer and YouTube's server error
    # (tests/e2e/test_faults_and_refusals.py meets the other two in a whole run).
    "x-followers-truncated": (
        [{"route": "x.followers", "kind": "truncate", "times": -1}],
        {("x", "followers")},
        {("x", "follower")},
    ),
    "youtube-subscribers-500": (
        [{"route": "yt.subscriptions", "kind": "500", "times": -1}],
        {("youtube", "subscribers")},
        {("youtube", "subscriber")},
    ),
    "youtube-subscribers-truncated": (
        [{"route": "yt.subscriptions", "kind": "truncate", "times": -1}],
        {("youtube", "subscribers")},
        {("youtube", "subscriber")},
    ),
    # The replies are read from the comment threads: without those they cannot be, and a reply-only commenter's
    # exception would look resolved.
    "youtube-comments-quota": (
        [{"route": "yt.commentThreads", "kind": "403-quota", "times": -1}],
        {("youtube", "comments"), ("youtube", "comment_replies")},
        {("youtube", "comment")},
    ),
    # The live platforms' own failures (docs/production.md §7). A usage cap or spent credits stop the platform:
    # the account's later streams are skipped, not tried against a cap that cannot pass.
    "x-followers-partial-errors": (
        [{"route": "x.followers", "kind": "partial-errors", "times": -1}],
        {("x", "followers")},
        {("x", "follower")},
    ),
    "x-followers-usage-cap": (
        [{"route": "x.followers", "kind": "429-usage-cap", "times": -1}],
        {("x", "followers"), ("x", "following"), ("x", "posts")},
        {("x", "follower"), ("x", "following"), ("x", "post")},
    ),
    "x-following-credits": (
        [{"route": "x.following", "kind": "402-credits", "times": -1}],
        {("x", "following"), ("x", "posts")},
        {("x", "following"), ("x", "post")},
    ),
    "x-followers-gone": (
        [{"route": "x.followers", "kind": "404-gone", "times": -1}],
        {("x", "followers")},
        {("x", "follower")},
    ),
    "youtube-comments-scope": (
        [{"route": "yt.commentThreads", "kind": "403-scope", "times": -1}],
        {("youtube", "comments"), ("youtube", "comment_replies")},
        {("youtube", "comment")},
    ),
    # An expired sign-in: every YouTube call of the run is refused, X is read and audited as usual.
    "youtube-sign-in-expired": (
        [{"route": "yt.channels", "kind": "token-expired", "times": -1}],
        EVERY_YOUTUBE_STREAM,
        {("youtube", k) for k in ("account", "video", "subscriber", "comment")},
    ),
    "youtube-subscribers-dropped": (
        [{"route": "yt.subscriptions", "kind": "drop-mid-body", "times": -1}],
        {("youtube", "subscribers")},
        {("youtube", "subscriber")},
    ),
    # The channel is the account check: unread, nothing else of the platform is read (subscribers of an unchecked
    # sign-in could be another channel's), so every YouTube stream is skipped.
    "youtube-channel-503": (
        [{"route": "yt.channels", "kind": "503", "times": -1}],
        EVERY_YOUTUBE_STREAM,
        {("youtube", k) for k in ("account", "video", "subscriber", "comment")},
    ),
    # Meta's own failures. A 190 ends the Page token's session and so stops the Page, but the comments are its last
    # stream read: what was read before them is kept and judged.
    "facebook-comments-token-expired": (
        [{"route": "fb.comments", "kind": "token-expired", "times": -1}],
        {("facebook", "comments")},
        {("facebook", "comment")},
    ),
    # Throttled for good (error 17): the comments are read per media item, so without the media they cannot be.
    "instagram-media-throttled": (
        [{"route": "ig.media", "kind": "graph-17", "times": -1}],
        {("instagram", "media"), ("instagram", "comments")},
        {("instagram", "post"), ("instagram", "comment")},
    ),
}
