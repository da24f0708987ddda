"""What the school's accounts can do about a finding through the platforms, and what each action costs.

The catalogue every part reads: the CLI and the review app offer an action only where the exception's rule lists
it, show its call, cost and whether it can be undone, and ask for the permission it needs; the weekly run judges it
the next week by its `effect`. Facts from docs.x.com, the YouTube Data API v3 reference and Meta's Graph API reference as checked in 2026
(docs/remediation.md says which could not be verified).
"""

from __future__ import annotations

from dataclasses import dataclass

# The rules about what the school published: acted on by taking the post or the video out of public view.
PUBLISHED_CONTENT_RULES = (
    "unapproved-media",
    "consent-breach",
    "pupil-named",
    "contact-details",
    "political-content",
)
FOLLOWER_RULES = ("pupil-follower", "former-pupil-follower", "staff-personal-follower")
# Effects: `resolves` ends the finding (next week: gone, or the exception reopens); `mitigates` limits the harm
# but leaves the finding (a muted follower still follows): the exception stays as it is.
RESOLVES = "resolves"
MITIGATES = "mitigates"
# What the credentials must hold: X's app permission (OAuth 1.0a tokens keep the level they were issued with),
# or one of the Google OAuth scopes the discovery document lists for the method.
X_WRITE = "x-write"
YOUTUBE_SCOPE = "https://www.googleapis.com/auth/"
FORCE_SSL = YOUTUBE_SCOPE + "youtube.force-ssl"
# comments.setModerationStatus accepts force-ssl only; videos.update also youtube and youtubepartner.
MODERATION_SCOPES = (FORCE_SSL,)
VIDEO_UPDATE_SCOPES = (YOUTUBE_SCOPE + "youtube", FORCE_SSL, YOUTUBE_SCOPE + "youtubepartner")
X_WRITE_LEVELS = ("read-write", "read-write-directmessages")
# Per user and 15 minutes, for each X write the school makes (docs.x.com rate limits).
X_WRITES_PER_WINDOW = 50
YOUTUBE_WRITE_UNITS = 50
YOUTUBE_MAX_COMMENT_IDS = 50
# The identity check before an X write: GET /2/users/me, a user read (never an owned read).
X_IDENTITY_CHECK_USD = 0.010
# The hosts the connectors' clients send to: tweepy's Client (connectors/x.py X_API_HOST) and the bundled YouTube
# discovery document's rootUrl. A plan names these, so a firewall opened from it lets the calls through;
# tests/connectors/test_actions.py holds each plan to the requests its connector sends.
X_HOST = "https://api.twitter.com"
YOUTUBE_HOST = "https://youtube.googleapis.com"
# Meta's Graph API as connectors/meta.py calls it (host and the one pinned version; tests/connectors hold them equal).
GRAPH_HOST = "https://graph.facebook.com"
GRAPH_VERSION = "v26.0"
META = "meta"  # an action allowed by the Page token's permissions (GET /debug_token says which)
META_COMMENT_RULES = ("pupil-named-in-comment", "pupil-comment")
# A video's status is sent back whole: read first (videos.list, 1 unit), then updated (videos.update, 50 units).
VIDEO_STATUS_CALL = (
    f"GET {YOUTUBE_HOST}/youtube/v3/videos?part=status&id=ID, then PUT {YOUTUBE_HOST}/youtube/v3/videos?part=status "
    '{"id": "ID", "status": {the status as read, '
)


@dataclass(frozen=True)
class Action:
    name: str
    platform: str  # x | youtube | facebook | instagram | any (manual)
    subject_kinds: tuple[str, ...]  # the exception's subject the action applies to
    rules: tuple[str, ...]  # the rules that offer it
    what: str  # what happens, in a sentence
    call: str  # the request, as the platform documents it
    library_call: str  # how the connector makes it
    cost_usd: float = 0.0  # X: per request
    quota_units: int = 0  # YouTube: per call
    requests: int = 1  # HTTP requests one call sends (a video's status: read, then update)
    reversible: bool = True
    undo: str = ""
    effect: str = RESOLVES
    needs: str = ""  # X_WRITE, a YouTube scope group (below) or META
    scopes: tuple[str, ...] = ()
    irreversible_note: str = ""

    @property
    def manual(self) -> bool:
        return self.name == MANUAL

    def offered_for(self, rule: str, platform: str, subject_kind: str) -> bool:
        platform_ok = self.platform in ("any", platform)
        return platform_ok and rule in self.rules and subject_kind in self.subject_kinds


MANUAL = "manual"
ALL_RULES = (
    *PUBLISHED_CONTENT_RULES,
    *FOLLOWER_RULES,
    "official-follows-person",
    "pupil-comment",
    "pupil-named-in-comment",
    "account-drift",
)


def _rejection(ban_author: bool) -> Action:
    """reject-comment, or reject-comment-ban-author: the same call, the author banned from the channel besides."""
    ban = "&banAuthor=true" if ban_author else ""
    return Action(
        "reject-comment-ban-author" if ban_author else "reject-comment",
        "youtube",
        ("comment",),
        ("pupil-comment",),
        "rejects the pupil's comments in the thread: no longer shown on the video"
        + (
            "; the author is hidden from the channel, their later comments rejected as written"
            if ban_author
            else ""
        ),
        f"POST {YOUTUBE_HOST}/youtube/v3/comments/setModerationStatus?id=IDS&moderationStatus=rejected{ban}",
        "youtube.comments().setModerationStatus(id=..., moderationStatus='rejected'"
        + (", banAuthor=True)" if ban_author else ")"),
        quota_units=YOUTUBE_WRITE_UNITS,
        reversible=False,
        undo="the rejection: none (YouTube cannot publish a rejected comment again)"
        + ("; the ban: YouTube Studio, Settings, Community, Hidden users" if ban_author else ""),
        needs="youtube",
        scopes=MODERATION_SCOPES,
        irreversible_note="rejecting a top-level comment also hides every reply to it",
    )


def _meta_comment_actions() -> tuple[Action, ...]:
    """Hide or delete a comment on the school's own Facebook post or Instagram media (meta-apis.md §4): Facebook
    needs a Page token with pages_manage_engagement (and the MODERATE task), Instagram instagram_manage_comments."""
    node = f"{GRAPH_HOST}/{GRAPH_VERSION}/ID"
    facebook = ("facebook", "pages_manage_engagement", "is_hidden", "Comment")
    instagram = ("instagram", "instagram_manage_comments", "hide", "IGComment")
    found = []
    for (platform, scope, flag, sdk), prefix in ((facebook, ""), (instagram, "ig-")):
        seen_by = "its author and their friends" if platform == "facebook" else "its author"
        found += [
            Action(
                f"hide-{prefix}comment",
                platform,
                ("comment",),
                META_COMMENT_RULES,
                f"hides the comment: no longer shown on the school's post (still seen by {seen_by}, who is not told)",
                f"POST {node} {flag}=true",
                f"facebook_business {sdk}: POST /ID {flag}=true (FacebookAdsApi.call)",
                undo=f"the same call with {flag}=false",
                needs=META,
                scopes=(scope,),
            ),
            Action(
                f"delete-{prefix}comment",
                platform,
                ("comment",),
                META_COMMENT_RULES,
                "deletes the comment (and its replies) from the school's post",
                f"DELETE {node}",
                f"facebook_business {sdk}: DELETE /ID (FacebookAdsApi.call)",
                reversible=False,
                undo="none: a deleted comment cannot be restored",
                needs=META,
                scopes=(scope,),
                irreversible_note="deleting a comment deletes its replies too, whoever wrote them",
            ),
        ]
    return tuple(found)


def _meta_post_actions() -> tuple[Action, ...]:
    """Act on the school's own Facebook post or Instagram media (meta-apis.md §4). A visitor's post on the Page is not
    the Page's to delete through the API: its author removes it, or a Page admin in Facebook (`manual`)."""
    node = f"{GRAPH_HOST}/{GRAPH_VERSION}/ID"
    return (
        Action(
            "delete-page-post",
            "facebook",
            ("post",),
            PUBLISHED_CONTENT_RULES,
            "deletes the Page's post with its photos and every comment under it",
            f"DELETE {node}",
            "facebook_business PagePost: DELETE /ID (FacebookAdsApi.call)",
            reversible=False,
            undo="none: a post deleted through the API cannot be restored",
            needs=META,
            scopes=("pages_manage_posts",),
            irreversible_note="its comments and their replies go with it",
        ),
        Action(
            "turn-off-ig-comments",
            "instagram",
            ("comment",),
            META_COMMENT_RULES,
            "turns commenting off on the media the comment is under: no one can comment, and Instagram hides the "
            "comments already there, the pupil's included",
            f"POST {node} comment_enabled=false",
            "facebook_business IGMedia: POST /ID comment_enabled=false (FacebookAdsApi.call)",
            undo="the same call with comment_enabled=true (the comments are shown again)",
            needs=META,
            scopes=("instagram_manage_comments",),
        ),
        Action(
            "delete-ig-media",
            "instagram",
            ("post",),
            PUBLISHED_CONTENT_RULES,
            "deletes the Instagram post (a carousel whole, every slide: the API deletes no single slide), with "
            "its comments",
            f"DELETE {node}",
            "facebook_business IGMedia: DELETE /ID (FacebookAdsApi.call)",
            reversible=False,
            undo="none: a deleted Instagram post cannot be restored through the API",
            needs=META,
            scopes=("instagram_manage_contents",),
            irreversible_note=f"Graph deletes Instagram media from v24.0 only (this product calls {GRAPH_VERSION})",
        ),
    )


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        _rejection(ban_author=False),
        _rejection(ban_author=True),
        Action(
            "set-made-for-kids",
            "youtube",
            ("comment",),
            ("pupil-comment",),
            "declares the video made for kids: YouTube turns its comments off, the pupil's included",
            VIDEO_STATUS_CALL + '"selfDeclaredMadeForKids": true}}',
            "youtube.videos().update(part='status', body={'id': ..., 'status': {...}})",
            quota_units=YOUTUBE_WRITE_UNITS + 1,
            requests=2,
            undo="YouTube Studio: the video's Audience, 'No, it's not made for kids' (comments come back)",
            needs="youtube",
            scopes=VIDEO_UPDATE_SCOPES,
        ),
        Action(
            "make-video-private",
            "youtube",
            ("video",),
            PUBLISHED_CONTENT_RULES,
            "makes the video private: only the channel's owner can see it",
            VIDEO_STATUS_CALL + '"privacyStatus": "private"}}',
            "youtube.videos().update(part='status', body={'id': ..., 'status': {...}})",
            quota_units=YOUTUBE_WRITE_UNITS + 1,
            requests=2,
            undo="YouTube Studio: the video's Visibility, back to Public or Unlisted",
            needs="youtube",
            scopes=VIDEO_UPDATE_SCOPES,
        ),
        Action(
            "delete-post",
            "x",
            ("post",),
            PUBLISHED_CONTENT_RULES,
            "deletes the school's post (and every version of it, if it was edited)",
            f"DELETE {X_HOST}/2/tweets/ID",
            "tweepy Client.delete_tweet(id, user_auth=True)",
            cost_usd=0.005,
            reversible=False,
            undo="none: X cannot restore a deleted post",
            needs=X_WRITE,
            irreversible_note="deleting a post in an edit chain deletes the whole chain",
        ),
        Action(
            "hide-reply",
            "x",
            ("reply",),
            # No rule reads replies by others to the school's posts yet: offered once one does.
            (),
            "hides a reply in one of the school's own conversations (still readable behind 'View hidden "
            "replies'; its author is not told)",
            f'PUT {X_HOST}/2/tweets/ID/hidden {{"hidden": true}}',
            "tweepy Client.hide_reply(id, user_auth=True)",
            cost_usd=0.005,
            undo='the same call with {"hidden": false} (tweepy Client.unhide_reply)',
            needs=X_WRITE,
        ),
        Action(
            "mute-account",
            "x",
            ("follower",),
            FOLLOWER_RULES,
            "mutes the account: its posts no longer reach the school's timeline. It still follows the school: X "
            "offers no self-serve way to remove a follower or block (blocks are Enterprise-only), so the "
            "exception stays open until the follower is removed by hand",
            f'POST {X_HOST}/2/users/ME/muting {{"target_user_id": ID}}',
            "tweepy Client.mute(target_user_id, user_auth=True)",
            cost_usd=0.010,
            undo=f"DELETE {X_HOST}/2/users/ME/muting/ID (tweepy Client.unmute), $0.005",
            effect=MITIGATES,
            needs=X_WRITE,
        ),
        *_meta_comment_actions(),
        *_meta_post_actions(),
        Action(
            MANUAL,
            "any",
            ("follower", "following", "subscriber", "post", "video", "comment", "account", "reply"),
            ALL_RULES,
            "a step done by hand in the platform's own app, recorded as done by the person who did it",
            "none: the step is done in the platform's own app",
            "none",
            reversible=True,
            undo="depends on the step",
        ),
    )
}
ACTION_NAMES = tuple(ACTIONS)


def offered(rule: str, platform: str, subject_kind: str) -> list[Action]:
    """The actions an exception of this rule and subject offers, the manual step last."""
    return [a for a in ACTIONS.values() if a.offered_for(rule, platform, subject_kind)]


def why_not_offered(action: Action, rule: str, platform: str, subject_kind: str) -> str:
    """One line: why an exception of this rule cannot take this action."""
    if action.platform not in ("any", platform):
        return f"{action.name} is a {action.platform} action; this exception is on {platform}"
    if not action.rules:
        return (
            f"{action.name} is offered by no rule yet: the audit does not read replies by others to the school's "
            "posts"
        )
    if rule not in action.rules:
        choices = ", ".join(a.name for a in offered(rule, platform, subject_kind))
        return f"{action.name} is not an action for {rule} (its actions: {choices})"
    return f"{action.name} acts on a {' or '.join(action.subject_kinds)}, not a {subject_kind}"


def allowed_by(
    action: Action, x_access_level: str | None, youtube_scopes: frozenset[str] | None
) -> bool | None:
    """Whether credentials holding this X access level or these Google scopes allow the action; None when
    nothing is known of them (never checked, or X did not say)."""
    if action.manual:
        return True
    if action.needs == X_WRITE:
        return None if x_access_level is None else x_access_level in X_WRITE_LEVELS
    if youtube_scopes is None:
        return None
    return bool(set(action.scopes) & youtube_scopes)


def withdrawn_with(action: Action) -> tuple[str, ...]:
    """The actions a platform's refusal of `action` for want of permission takes away until the next check: those
    of its platform resting on the same credential (X's write level, the Google scopes), and for Meta, on the same
    permission: a Page token refused `pages_manage_posts` may still hide comments."""
    return tuple(
        a.name
        for a in ACTIONS.values()
        if a.platform == action.platform
        and a.needs == action.needs
        and (action.needs != META or a.scopes == action.scopes)
    )


def cost_line(action: Action, calls: int = 1) -> str:
    """What an action costs, as the platform counts it."""
    if action.manual:
        return "nothing (no API call)"
    if action.platform == "x":
        total = action.cost_usd * calls + X_IDENTITY_CHECK_USD
        return (
            f"${action.cost_usd:.3f} a request on X's pay-per-use credits (x{calls}), plus "
            f"${X_IDENTITY_CHECK_USD:.3f} for the identity and permission check (GET {X_HOST}/2/users/me): "
            f"${total:.3f} for {calls * action.requests + 1} request(s); at most {X_WRITES_PER_WINDOW} a 15 minutes"
        )
    if action.needs == META:
        owner = "Page" if action.platform == "facebook" else "Instagram account"
        return (
            f"nothing charged; {action.requests * calls} request(s) counted against the {owner}'s Business Use "
            "Case limit (Meta: about 4,800 calls a day per engaged user)"
        )
    units, requests = action.quota_units * calls, action.requests * calls
    return (
        f"{units} quota units of the Google Cloud project's 10,000 a day ({requests} request(s)); the token "
        "refresh costs none"
    )
