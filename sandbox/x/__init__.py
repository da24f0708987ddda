"""The X API v2 as the sandbox serves it: routes (urls.py), request handling (responses.py), the dataset's
accounts, users and posts (models.py), and X's error bodies (exceptions.py)."""
