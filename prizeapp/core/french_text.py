"""French words for full-text search where the database has no French stemmer (SQLite's FTS5).

Text is folded the way PostgreSQL's `unaccent` + `french_stem` configuration folds it: lower case, accents
removed, elisions cut ("l'école" → "ecole"), then each word reduced to its Snowball stem, so that "écoles",
"école" and "ECOLE" meet, as do "mobilité" and "mobilités". The index stores the stems, and a query is
stemmed the same way before it is matched.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[0-9a-z]+")
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
_STEMMER = snowballstemmer.stemmer("french")
# The French configuration's stop words that matter most in titles and queries.
STOP_WORDS = frozenset(
    "a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne "
    "nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous "
    "y est sont ete etre".split())


def fold(text: str) -> str:
    """Lower case, without accents or elided articles: "L'Été des Écoles" → "ete des ecoles"."""
    text = _ELISION.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe").replace("æ", "ae")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """The Snowball stem of one folded word. Accents are removed first, as unaccent does before french_stem."""
    return _STEMMER.stemWord(word)


def words(text: str) -> list[str]:
    """The stems of `text`'s words, stop words left out, in order."""
    return [stem(w) for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def query_terms(text: str) -> list[str]:
    """The distinct stems a query looks for (every one must be found), in the order typed."""
    return list(dict.fromkeys(words(text)))
