"""The X API v2 routes the pipeline uses: parameters checked the way X checks them (every problem collected
into one 400), fields and expansions selected, pages cut and tokens issued."""

from __future__ import annotations

import re
import threading
from datetime import datetime

from sandbox.http import (
    ApiError,
    ApiRequest,
    JsonObject,
    Reply,
    decode_page_token,
    encode_page_token,
    json_reply,
)
from sandbox.ledger import Ledger
from sandbox.x.exceptions import (
    too_many_requests,
    unauthorized,
    x_invalid_request,
    x_not_found_error,
    x_post_not_found_error,
    x_referenced_post_not_found,
    x_user_not_found,
)
from sandbox.x.models import XAccount, XBackend, XRateLimits
from sandbox.x.oauth import OAuthVerifier, UserContext


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


X_USER_FIELDS = _words(
    "affiliation confirmed_email connection_status created_at description entities id is_identity_verified "
    "location most_recent_tweet_id most_recent_post_id name parody pinned_tweet_id pinned_post_id "
    "profile_banner_url profile_image_url protected public_metrics receives_your_dm subscription "
    "subscription_type url username verified verified_followers_count verified_type withheld"
)
# Both spellings: the 2026 OpenAPI renames some post fields, tweepy still sends the old ones.
X_TWEET_FIELDS = _words(
    "article attachments author_id card_uri community_id context_annotations conversation_id created_at "
    "display_text_range edit_controls edit_history_tweet_ids edit_history_post_ids entities geo id "
    "in_reply_to_user_id lang media_metadata non_public_metrics note_tweet note_post organic_metrics "
    "possibly_sensitive promoted_metrics public_metrics referenced_tweets referenced_posts reply_settings "
    "scopes source suggested_source_links text withheld"
)
X_MEDIA_FIELDS = _words(
    "alt_text duration_ms height media_key non_public_metrics organic_metrics preview_image_url "
    "promoted_metrics public_metrics type url variants width"
)
X_TWEET_EXPANSIONS = _words(
    "article.cover_media article.media_entities attachments.media_keys attachments.media_source_tweet "
    "attachments.poll_ids author_id edit_history_tweet_ids entities.mentions.username geo.place_id "
    "in_reply_to_user_id entities.note.mentions.username referenced_tweets.id "
    "referenced_tweets.id.attachments.media_keys referenced_tweets.id.author_id"
)
X_USER_EXPANSIONS = _words("affiliation.user_id most_recent_tweet_id pinned_tweet_id pinned_post_id")
X_ALWAYS_USER_FIELDS = frozenset({"id", "name", "username"})
X_ALWAYS_TWEET_FIELDS = frozenset({"id", "text", "edit_history_tweet_ids"})
X_ALWAYS_MEDIA_FIELDS = frozenset({"media_key", "type"})
X_FIELD_PARAMS = ("user.fields", "tweet.fields", "post.fields", "media.fields", "expansions")
X_TWEETS_PARAMS = _words(
    "max_results pagination_token since_id until_id start_time end_time exclude place.fields poll.fields"
) | frozenset(X_FIELD_PARAMS)
X_FOLLOWS_PARAMS = frozenset({"max_results", "pagination_token", *X_FIELD_PARAMS})
X_USER_PARAMS = frozenset(X_FIELD_PARAMS)
X_POSTS_LOOKUP_PARAMS = frozenset({"ids", *X_FIELD_PARAMS})
X_SNOWFLAKE = re.compile(r"^[0-9]{1,19}$")
X_USERNAME = re.compile(r"^[A-Za-z0-9_]{1,15}$")


# X serves the first 280 characters of a longer post as its `text`; the whole is in `note_tweet` when asked.
SHORT_POST_CHARACTERS = 280


class XQuery:
    """Validates X query parameters the way X does: every problem collected into one 400."""

    def __init__(self, query: dict[str, str], allowed: frozenset[str]) -> None:
        self.query = query
        self.problems: list[JsonObject] = []
        for name in sorted(set(query) - allowed):
            self._problem(name, f"The query parameter [{name}] is not one of [{','.join(sorted(allowed))}]")

    def _problem(self, name: str, message: str) -> None:
        self.problems.append({"parameters": {name: [self.query.get(name, "")]}, "message": message})

    def path_id(self, user_id: str) -> None:
        if not X_SNOWFLAKE.match(user_id):
            self.problems.append(
                {
                    "parameters": {"id": [user_id]},
                    "message": f"The `id` query parameter value [{user_id}] does not match ^[0-9]{{1,19}}$",
                }
            )

    def integer(self, name: str, low: int, high: int, default: int) -> int:
        raw = self.query.get(name)
        if raw is None:
            return default
        if not re.fullmatch(r"-?[0-9]+", raw) or not low <= int(raw) <= high:
            self._problem(name, f"The `{name}` query parameter value [{raw}] is not between {low} and {high}")
            return default
        return int(raw)

    def snowflake(self, name: str) -> int | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        if not X_SNOWFLAKE.match(raw):
            self._problem(name, f"The `{name}` query parameter value [{raw}] does not match ^[0-9]{{1,19}}$")
            return None
        return int(raw)

    def timestamp(self, name: str) -> datetime | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            self._problem(name, f"Invalid '{name}':'{raw}'. '{name}' must be a valid RFC 3339 timestamp.")
            return None

    def choices(self, name: str, allowed: frozenset[str]) -> set[str]:
        raw = self.query.get(name)
        if raw is None:
            return set()
        values = {value for value in raw.split(",") if value}
        unknown = sorted(values - allowed)
        if unknown or not values:
            shown = ",".join(unknown) or raw
            self._problem(
                name,
                f"The `{name}` query parameter value [{shown}] is not one of [{','.join(sorted(allowed))}]",
            )
        return values & allowed

    def page_offset(self, stream: str, total: int) -> int:
        token = self.query.get("pagination_token")
        if token is None:
            return 0
        offset = decode_page_token(token, stream)
        if offset is None or offset > total:
            self._problem(
                "pagination_token", f"The `pagination_token` query parameter value [{token}] is not valid"
            )
            return 0
        return offset

    def raise_if_invalid(self) -> None:
        if self.problems:
            raise ApiError(x_invalid_request(self.problems))


def select_user(user: JsonObject, fields: set[str]) -> JsonObject:
    return {key: value for key, value in user.items() if key in X_ALWAYS_USER_FIELDS or key in fields}


def select_media(media: JsonObject, fields: set[str]) -> JsonObject:
    return {key: value for key, value in media.items() if key in X_ALWAYS_MEDIA_FIELDS or key in fields}


def as_served(post: JsonObject) -> JsonObject:
    """A dataset post as X holds it: a text over 280 characters is cut, the whole kept in `note_tweet`."""
    text = post.get("text")
    if isinstance(text, str) and len(text) > SHORT_POST_CHARACTERS and "note_tweet" not in post:
        return {**post, "text": text[:SHORT_POST_CHARACTERS], "note_tweet": {"text": text}}
    return post


def select_post(post: JsonObject, fields: set[str], expansions: set[str]) -> JsonObject:
    post = as_served(post)
    wanted = set(X_ALWAYS_TWEET_FIELDS) | fields
    if "note_post" in fields:
        wanted.add("note_tweet")  # the 2026 spelling of the same field
    # An expansion needs the field it expands, so X returns that field even when it was not asked for.
    if "attachments.media_keys" in expansions:
        wanted.add("attachments")
    if "author_id" in expansions:
        wanted.add("author_id")
    if expansions & {"referenced_tweets.id", "referenced_tweets.id.attachments.media_keys"}:
        wanted.add("referenced_tweets")
    return {key: value for key, value in post.items() if key in wanted}


def referenced_posts(
    account: XAccount, page: list[JsonObject], backend: XBackend
) -> tuple[list[JsonObject], list[str]]:
    """The posts the page's posts quote, repost or reply to, each once, as far as the dataset knows them; and the
    ids of those it does not know (deleted or protected: X names each in `errors` beside the data)."""
    found: dict[str, JsonObject] = {}
    missing: list[str] = []
    own = {str(post.get("id")): post for other in backend.dataset.x_accounts for post in other.posts}
    for post in page:
        for reference in post.get("referenced_tweets", []):
            ref_id = str(reference.get("id", "")) if isinstance(reference, dict) else ""
            target = account.referenced.get(ref_id) or own.get(ref_id)
            if target is not None:
                found.setdefault(ref_id, target)
            elif ref_id and ref_id not in missing:
                missing.append(ref_id)
    return list(found.values()), missing


def _page_meta(meta: JsonObject, stream: str, offset: int, page_size: int, total: int) -> JsonObject:
    if offset + page_size < total:
        meta["next_token"] = encode_page_token(stream, offset + page_size)
    if offset > 0:
        meta["previous_token"] = encode_page_token(stream, max(0, offset - page_size))
    return meta


class XResponses:
    """The X API v2 routes the pipeline uses, over the dataset's x/<handle>/ directories: every request signed
    by an app and user the dataset knows, counted against that user's 15-minute window, and billed."""

    def __init__(
        self, backend: XBackend, verifier: OAuthVerifier, ledger: Ledger, limits: XRateLimits | None = None
    ) -> None:
        self.backend = backend
        self.verifier = verifier
        self.ledger = ledger
        self.limits = limits or XRateLimits()
        self._headers = threading.local()

    def authorize(self, request: ApiRequest, route: str) -> UserContext:
        """The signed user context, once the user's window for `route` still has a request left."""
        context = self.verifier.user_context(request)
        allowed, headers = self.limits.take(route, context.user_id)
        # What the token may do, as X says it with every authenticated answer.
        headers["x-access-level"] = self.verifier.access.x_access_level(context.token)
        self._headers.value = headers
        if not allowed:
            reply = too_many_requests()
            reply.headers.update(headers)
            raise ApiError(reply)
        return context

    def rate_limit_headers(self) -> dict[str, str]:
        """The `x-rate-limit-*` headers of the request this thread is answering ({} before it was counted)."""
        headers: dict[str, str] = getattr(self._headers, "value", {})
        self._headers.value = {}
        return headers

    def bill(self, route: str, context: UserContext, path_id: str | None, items: list[JsonObject]) -> None:
        ids = [str(item.get("id")) for item in items]
        self.ledger.bill_x(route, context.user_id, context.app.owner_id, path_id, ids)

    def serve_me(self, request: ApiRequest) -> Reply:
        context = self.authorize(request, "x.me")
        query = XQuery(request.query, X_USER_PARAMS)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        user = self.backend.users.get(context.user_id)
        if user is None:
            raise ApiError(unauthorized())
        self.bill("x.me", context, None, [user])
        return json_reply(200, {"data": select_user(user, user_fields)})

    def serve_user(self, request: ApiRequest, user_id: str) -> Reply:
        context = self.authorize(request, "x.user")
        query = XQuery(request.query, X_USER_PARAMS)
        query.path_id(user_id)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        user = self.backend.users.get(user_id)
        if user is None:
            return x_user_not_found(user_id)
        self.bill("x.user", context, None, [user])
        return json_reply(200, {"data": select_user(user, user_fields)})

    def serve_user_by_username(self, request: ApiRequest, username: str) -> Reply:
        context = self.authorize(request, "x.user")
        query = XQuery(request.query, X_USER_PARAMS)
        if not X_USERNAME.match(username):
            query.problems.append(
                {
                    "parameters": {"username": [username]},
                    "message": f"The `username` query parameter value [{username}] does not match "
                    "^[A-Za-z0-9_]{1,15}$",
                }
            )
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        user = self.backend.users_by_username.get(username.lower())
        if user is None:
            return x_user_not_found(username, "username")
        self.bill("x.user", context, None, [user])
        return json_reply(200, {"data": select_user(user, user_fields)})

    def serve_users_lookup(self, request: ApiRequest, parameter: str) -> Reply:
        """`/2/users?ids=` and `/2/users/by?usernames=`: up to 100 users, unknown ones as errors."""
        context = self.authorize(request, "x.user")
        query = XQuery(request.query, X_USER_PARAMS | {parameter})
        values = [value for value in request.query.get(parameter, "").split(",") if value]
        if not 1 <= len(values) <= 100:
            query.problems.append(
                {
                    "parameters": {parameter: [request.query.get(parameter, "")]},
                    "message": f"The number of values in the `{parameter}` query parameter list "
                    f"[{len(values)}] is not between 1 and 100",
                }
            )
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.raise_if_invalid()
        found: list[JsonObject] = []
        errors: list[JsonObject] = []
        for value in values:
            user = (
                self.backend.users.get(value)
                if parameter == "ids"
                else self.backend.users_by_username.get(value.lower())
            )
            if user is None:
                errors.append(x_not_found_error(value, parameter))
            else:
                found.append(select_user(user, user_fields))
        self.bill("x.user", context, None, found)
        body: JsonObject = {"data": found} if found else {}
        if errors:
            body["errors"] = errors
        return json_reply(200, body)

    def serve_tweets(self, request: ApiRequest, user_id: str) -> Reply:
        context = self.authorize(request, "x.tweets")
        query = XQuery(request.query, X_TWEETS_PARAMS)
        query.path_id(user_id)
        page_size = query.integer("max_results", 5, 100, 10)
        since_id = query.snowflake("since_id")
        until_id = query.snowflake("until_id")
        start_time = query.timestamp("start_time")
        end_time = query.timestamp("end_time")
        excluded = query.choices("exclude", frozenset({"replies", "retweets"}))
        expansions = query.choices("expansions", X_TWEET_EXPANSIONS)
        post_fields = query.choices("tweet.fields", X_TWEET_FIELDS) | query.choices(
            "post.fields", X_TWEET_FIELDS
        )
        media_fields = query.choices("media.fields", X_MEDIA_FIELDS)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("place.fields", frozenset({"contained_within", "country", "country_code", "full_name"}))
        query.choices("poll.fields", frozenset({"duration_minutes", "end_datetime", "id", "options"}))
        query.raise_if_invalid()

        owner = self.backend.users.get(user_id)
        if owner is None:
            return x_user_not_found(user_id)
        account = self.backend.account(user_id)
        selected = self.backend.timeline(account, excluded, since_id, until_id, start_time, end_time)
        stream = f"tweets:{user_id}"
        offset = query.page_offset(stream, len(selected))
        query.raise_if_invalid()
        page = selected[offset : offset + page_size]
        if not page:
            return json_reply(200, {"meta": {"result_count": 0}})

        body: JsonObject = {"data": [select_post(post, post_fields, expansions) for post in page]}
        includes: JsonObject = {}
        wants_referenced = bool(
            expansions & {"referenced_tweets.id", "referenced_tweets.id.attachments.media_keys"}
        )
        referenced, unreturnable = (
            referenced_posts(account, page, self.backend) if account and wants_referenced else ([], [])
        )
        if referenced:
            includes["tweets"] = [select_post(post, post_fields, set()) for post in referenced]
        media_of = [post for post in page] if "attachments.media_keys" in expansions else []
        if "referenced_tweets.id.attachments.media_keys" in expansions:
            media_of += referenced
        if media_of and account is not None:
            known_media = dict(account.media)
            for other in self.backend.dataset.x_accounts:
                for key, item in other.media.items():
                    known_media.setdefault(key, item)
            keys = [key for post in media_of for key in post.get("attachments", {}).get("media_keys", [])]
            media = [
                select_media(known_media[key], media_fields)
                for key in dict.fromkeys(keys)
                if key in known_media
            ]
            if media:
                includes["media"] = media
        if "author_id" in expansions:
            includes["users"] = [select_user(owner, user_fields)]
        if includes:
            body["includes"] = includes
        if unreturnable:
            # The page is answered; the posts X could not return are named beside it, as X does.
            body["errors"] = [x_referenced_post_not_found(ref_id) for ref_id in unreturnable]
        self.bill("x.tweets", context, user_id, page)
        meta: JsonObject = {
            "result_count": len(page),
            "newest_id": str(page[0]["id"]),
            "oldest_id": str(page[-1]["id"]),
        }
        body["meta"] = _page_meta(meta, stream, offset, page_size, len(selected))
        return json_reply(200, body)

    def serve_posts_lookup(self, request: ApiRequest) -> Reply:
        """`GET /2/tweets?ids=`: up to 100 posts by id, each missing one as a `resource-not-found` error."""
        context = self.authorize(request, "x.tweets_lookup")
        query = XQuery(request.query, X_POSTS_LOOKUP_PARAMS)
        values = [value for value in request.query.get("ids", "").split(",") if value]
        if not 1 <= len(values) <= 100:
            query.problems.append(
                {
                    "parameters": {"ids": [request.query.get("ids", "")]},
                    "message": "The number of values in the `ids` query parameter list "
                    f"[{len(values)}] is not between 1 and 100",
                }
            )
        for value in values:
            if not X_SNOWFLAKE.match(value):
                query.problems.append(
                    {
                        "parameters": {"ids": [value]},
                        "message": f"The `ids` query parameter value [{value}] does not match ^[0-9]{{1,19}}$",
                    }
                )
        expansions = query.choices("expansions", X_TWEET_EXPANSIONS)
        post_fields = query.choices("tweet.fields", X_TWEET_FIELDS) | query.choices(
            "post.fields", X_TWEET_FIELDS
        )
        media_fields = query.choices("media.fields", X_MEDIA_FIELDS)
        query.choices("user.fields", X_USER_FIELDS)
        query.raise_if_invalid()
        found: list[JsonObject] = []
        media: list[JsonObject] = []
        errors: list[JsonObject] = []
        for value in dict.fromkeys(values):
            held = self.backend.post(value)
            if held is None:
                errors.append(x_post_not_found_error(value))
                continue
            account, post = held
            found.append(select_post(post, post_fields, expansions))
            if "attachments.media_keys" in expansions:
                keys = post.get("attachments", {}).get("media_keys", [])
                media += [select_media(account.media[k], media_fields) for k in keys if k in account.media]
        self.bill("x.tweets_lookup", context, None, found)
        body: JsonObject = {"data": found} if found else {}
        if media:
            body["includes"] = {"media": media}
        if errors:
            body["errors"] = errors
        return json_reply(200, body)

    def serve_follows(self, request: ApiRequest, user_id: str, relation: str) -> Reply:
        context = self.authorize(request, f"x.{relation}")
        query = XQuery(request.query, X_FOLLOWS_PARAMS)
        query.path_id(user_id)
        page_size = query.integer("max_results", 1, 1000, 100)
        user_fields = query.choices("user.fields", X_USER_FIELDS)
        query.choices("expansions", X_USER_EXPANSIONS)
        query.choices("tweet.fields", X_TWEET_FIELDS)
        query.choices("post.fields", X_TWEET_FIELDS)
        query.raise_if_invalid()
        if user_id not in self.backend.users:
            return x_user_not_found(user_id)
        account = self.backend.account(user_id)
        users = (account.followers if relation == "followers" else account.following) if account else []
        stream = f"{relation}:{user_id}"
        offset = query.page_offset(stream, len(users))
        query.raise_if_invalid()
        page = users[offset : offset + page_size]
        if not page:
            return json_reply(200, {"meta": {"result_count": 0}})
        meta = _page_meta({"result_count": len(page)}, stream, offset, page_size, len(users))
        self.bill(f"x.{relation}", context, user_id, page)
        return json_reply(200, {"data": [select_user(user, user_fields) for user in page], "meta": meta})
