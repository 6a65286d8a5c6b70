"""Text fit for a terminal: control characters shown escaped, echoed input cut short.

Labels, quotes and names come from data files and from users; a label holding
``ESC [ 2 J`` would clear the screen of whoever runs ``cnai-kg show`` on it, and a
name of a megabyte would fill it. Everything the CLI prints from data or input
goes through :func:`printable`, and error messages echo input through :func:`cut`.
"""

from __future__ import annotations

import re

__all__ = ["ECHO_LIMIT", "cut", "printable"]

#: Characters of echoed input kept in an error message.
ECHO_LIMIT = 80

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates (they reorder what follows them on the line).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ALL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with control characters written as escapes (``\\x1b``, ``\\u202e``).

    Newlines and tabs are kept when ``keep_newlines`` is set (multi-line quotes).

    Examples
    --------
    >>> printable("Evil\\x1b[2JCorp")
    'Evil\\\\x1b[2JCorp'
    >>> printable("two\\nlines")
    'two\\\\x0alines'
    >>> printable("宁德时代 CATL")
    '宁德时代 CATL'
    """
    pattern = _CONTROL if keep_newlines else _CONTROL_ALL
    return pattern.sub(_escape, text)


def cut(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with ``…`` when it was longer.

    Error messages echo input as ``repr(cut(text))``: short, and with control
    characters escaped by ``repr``.

    Examples
    --------
    >>> cut("x" * 100)[-3:], len(cut("x" * 100))
    ('xx…', 81)
    >>> print(repr(cut("Evil" + chr(27) + "Corp")))
    'Evil\\x1bCorp'
    """
    return text[:limit] + "…" if len(text) > limit else text
