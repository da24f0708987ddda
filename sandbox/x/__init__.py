"""The X API v2 as the sandbox serves it: routes (urls.py), request handling (responses.py), the dataset's
accounts, users and posts (models.py), and X's error bodies (exceptions.py).

As strict as X: every request's OAuth 1.0a HMAC-SHA1 signature is checked (over `api.twitter.com` or `api.x.com`,
as signed: oauth.py), and an unknown key or token, a token of another app, a wrong signature, a reused nonce or any
bearer token is a 401. Every token answers as its own user; each user's 15-minute window is enforced per route;
parameters, fields and expansions are checked as X checks them; timelines stop at 3,200 posts (800 with
`exclude=replies`) and serve the latest version of an edited post; a post over 280 characters is cut, whole in
`note_tweet` when asked; a quoted or replied-to post the dataset lacks is named in `errors` beside `data`. The
owner's writes: writes.py; posting with images: media.py and posts.py.
"""
