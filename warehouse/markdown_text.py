"""Text from the code (help strings, column comments, rule docstrings) written into a generated Markdown page."""

from __future__ import annotations

import re

_CODE_SPAN = re.compile(r"(`[^`]*`)")


def markdown_text(text: str) -> str:
    """`text` as one line that Markdown shows as written: a placeholder such as <slug> or <id> outside a code span
    would be taken as an HTML tag, hiding it and the words after it (on the site, in its search, on GitHub)."""
    parts = _CODE_SPAN.split(" ".join(text.split()))
    return "".join(part if part.startswith("`") else part.replace("<", "&lt;") for part in parts)
