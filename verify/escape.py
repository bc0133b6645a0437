"""Text that came from a program (its name, its standard error, what it printed) made safe to show.

On a terminal, a control character could move the cursor, clear the screen or
start a new line that looks like a verdict of its own: each is written as an
escape instead (ESC as ``\\x1b``, a newline as ``\\n``), and so are the
characters that reorder text (bidirectional overrides) or break lines. In
Markdown, a renderer that does not sanitise would run raw HTML and follow
links and images: the characters that start them are escaped, so that the
text is shown as it was, and nothing in it is interpreted.
"""

from __future__ import annotations

import re

_CONTROLS = [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_TERMINAL = {code: chr(code).encode("unicode_escape").decode("ascii") for code in _CONTROLS}
_MARKDOWN = {ord(c): "\\" + c for c in "\\`*[]|~"} | {ord("<"): "&lt;", ord(">"): "&gt;", ord("&"): "&amp;"}
_EMPHASIS = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # an underscore inside a word (E_total) is plain


def for_terminal(text: str) -> str:
    """``text`` with every control character written as an escape: one line, shown as it is."""
    return text.translate(_TERMINAL)


def for_markdown(text: object) -> str:
    """``str(text)`` shown literally by a Markdown renderer, on one line (control characters escaped as well)."""
    escaped = for_terminal(str(text)).translate(_MARKDOWN)
    return _EMPHASIS.sub(r"\\_", escaped)
