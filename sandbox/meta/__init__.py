"""The Graph API (a Facebook Page and an Instagram professional account) on its real routes.

As strict as Graph: `/v21.0/` to `/v26.0/` are served (a retired version is answered as v21.0; any other, or none,
is 400 code 2500 `Unknown path components`). A call needs a token it knows (none: 104; unknown: 190; expired: 190
subcode 463, and it stays expired: tokens.py). A Page's posts need its Page token (a user token: 210) and
`pages_read_engagement` (else 10); visitor posts need `pages_read_user_content`; comments answer a user token with
empty data, and show `from` only to a Page token holding `pages_read_user_content` (a Page's own comments always);
comment ids need the MODERATE task; `filter=toplevel|stream`, `order`, `since` and `summary` are honoured. Instagram
reads need `instagram_basic` and `pages_read_engagement`, its comments also `instagram_manage_comments`. `fields=`
is honoured to any depth (an unknown field: 100), a node always answers its `id`, a value the dataset lacks is
absent, never null. Pages hold 25 items (`limit` up to 100); `paging.next` is absent on the last page. An object
that is gone or not the token's is 100 subcode 33. Call budgets: usage.py; the owner's writes: writes.py.
"""
