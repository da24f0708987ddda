"""The YouTube Data API v3 as the sandbox serves it: routes (urls.py), request handling (responses.py), the
dataset's channels, videos, subscribers and comments (models.py), and Google's error bodies (exceptions.py).

As strict as YouTube: only the access tokens of sign-ins it knows (and those its `/token` issued) and its API keys
are accepted (an unknown token 401, key 400; oauth.py); each call needs a scope Google lists for the method; `mine`
and `mySubscribers` answer for the token's channel; every call spends a unit of the daily quota (reset at midnight
Pacific; past it 403 `quotaExceeded`); `mySubscribers` lists at most `subscriber_cap`, in an order that changes each
start; `commentThreads.list` lists a thread under a held or spam state when its top-level comment or any reply is in
it, shows `moderationStatus` to the owner only, and needs the owner's token for those states; a made-for-kids
video's comments are disabled (403 `commentsDisabled`). The owner's writes: writes.py.
"""
