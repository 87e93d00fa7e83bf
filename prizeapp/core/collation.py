"""Dictionary order of names and labels, the same on every server, whatever its locale.

Python compares code points, which puts « Île-de-France » and « Épicerie » after « Zone »; the system's
collation (locale.strxfrm) differs from one server to the next, and ICU is not installed. `sort_key` orders
words as a dictionary does: by their letters first, capitals and accents aside (« Île-de-France » with the
I's, « Épicerie » with the E's, « œ » as « oe »); between words that differ only there, the one without
accent first (« cote », « coté », « côte »), then the one in lower case.
"""
from __future__ import annotations

import unicodedata

# Letters a dictionary spells out, and the characters that look alike (typographic apostrophe, no-break spaces).
_SPELLED_OUT = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "\u00a0": " ", "\u202f": " "})


def sort_key(text: str) -> tuple[str, str, str]:
    """The key of `text` for `sorted`: its letters without accents or capitals, then with accents, then with
    capitals (swapped, so that the lower case comes first, as in a dictionary)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_SPELLED_OUT)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return letters, decomposed, text.swapcase()
