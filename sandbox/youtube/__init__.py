"""The YouTube Data API v3 as the sandbox serves it: routes (urls.py), request handling (responses.py), the
dataset's channels, videos, subscribers and comments (models.py), and Google's error bodies (exceptions.py)."""
