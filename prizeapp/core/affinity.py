"""How well each reviewer fits each submission: a score in [0, 1] the assignment solver maximises.

score = text_weight  × text similarity  (cosine of TF-IDF vectors, in [0, 1])
      + theme_weight × theme match      (1 when the submission's category is one of the reviewer's themes)
      + bid_weight   × bid value        (eager 1, willing 0.7, no bid 0.4, not interested 0)

with text 0.5, theme 0.2, bid 0.3 by default (the weights must add up to 1, so the score stays in [0, 1]).
A bid moves the score up or down from "no bid" by at most 0.3 × 0.6 = 0.18 up and 0.12 down; it never
overrides a strong text match alone, but between two comparable reviewers it decides. Cosine similarities
between a long project description and a short list of keywords are low in absolute terms (0.05–0.4 is
typical): what counts for the solver is how they compare across pairs.

The text side is our own TF-IDF: French-aware normalisation (lower case, accents stripped, œ/æ spelt out, a
small list of French and English stop words, plural endings stripped), sublinear term frequency, smoothed
idf, L2-normalised rows, kept in scipy.sparse matrices so a call of 10,000 submissions × 3,000 reviewers is
computed by chunks without materialising anything but the score matrix itself.
`Affinity.explain(s, r)` gives the parts of one pair's score, with the terms that contributed most.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

import numpy as np
from scipy import sparse


class Bid(str, Enum):  # noqa: UP042 (str() of a member stays "Bid.EAGER", as callers expect)
    EAGER = "eager"
    WILLING = "willing"
    NOT_INTERESTED = "not_interested"


_BIDS = {bid.value: bid for bid in Bid}  # also finds Bid members: they are equal to their str value


@dataclass(frozen=True)
class SubmissionText:
    """What the text similarity reads from a submission."""

    id: int
    title: str
    summary: str = ""
    description: str = ""
    category: str | None = None


@dataclass(frozen=True)
class ReviewerProfile:
    """A reviewer's declared expertise in one call: free keywords and themes (category names)."""

    id: int
    keywords: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AffinityWeights:
    """Weights of the three parts and the value of each bid; see the module docstring."""

    text: float = 0.5
    theme: float = 0.2
    bid: float = 0.3
    eager: float = 1.0
    willing: float = 0.7
    no_bid: float = 0.4
    not_interested: float = 0.0

    def __post_init__(self):
        if min(self.text, self.theme, self.bid) < 0 or not math.isclose(self.text + self.theme + self.bid, 1.0):
            raise ValueError("weights must be non-negative and add up to 1")
        values = (self.eager, self.willing, self.no_bid, self.not_interested)
        if not all(0.0 <= v <= 1.0 for v in values) or list(values) != sorted(values, reverse=True):
            raise ValueError("bid values must lie in [0, 1], from eager down to not interested")

    def bid_value(self, bid: Bid | str | None) -> float:
        if bid is None:
            return self.no_bid
        return {Bid.EAGER: self.eager, Bid.WILLING: self.willing,
                Bid.NOT_INTERESTED: self.not_interested}[Bid(bid)]


# Field weights of a submission's text, as repetitions: a title says more about a project than a paragraph.
FIELD_WEIGHTS = {"title": 2, "summary": 1, "description": 1, "category": 2}

STOP_WORDS = frozenset("""
a afin ai aie ainsi alors au aucun aupres auquel aussi autre aux avec avoir ayant c ca car ce ceci cela celle
celui ces cet cette chaque chez ci comme comment d dans de des deja depuis dont du elle en encore entre est et
etaient etait ete etre eu eux faire fait il ils j je l la le les leur lui m ma mais me meme mes moi mon n ne ni
nos notre nous on ont ou par parce pas peu peut plus pour pourquoi qu quand que quel quelle qui s sa sans se
selon ses si sien son sont sous suis sur t ta te tel tes toi ton tous tout toute toutes tres tu un une vers
vos votre vous y
an and are as at be by for from has have in is it its of on or that the their this to was were which with
""".split())  # noqa: SIM905 — a list of words reads best as words

_WORD = re.compile(r"[^\W_]+")


def fold(word: str) -> str:
    """Lower case, accents stripped, œ and æ spelt out: "Œuvres" → "oeuvres"."""
    word = word.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def normalise(word: str) -> str:
    """A word's comparable form: folded (see `fold`), plural ending removed.

    "Numériques" → "numerique", "territoriaux" → "territorial", "bureaux" → "bureau". Stemming is crude and
    applied identically to both sides, which is all a similarity needs.
    """
    word = fold(word)
    if len(word) > 4 and word.endswith("aux") and not word.endswith("eaux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


_TERMS: dict[str, str] = {}  # word → term ("" for a stop word): most words recur across a call


def tokens(text: str) -> list[str]:
    """The normalised terms of a text, stop words, numbers and one-letter words left out."""
    words = _WORD.findall(text or "")
    cache = _TERMS
    for word in set(words).difference(cache):
        folded = fold(word)
        skip = folded in STOP_WORDS or len(folded) < 2 or folded.isdigit()
        cache[word] = "" if skip else normalise(folded)
    terms = list(filter(None, map(cache.__getitem__, words)))
    if len(cache) > 500_000:  # a memo, not a leak: forget it when a huge call has filled it
        cache.clear()
    return terms


def _words_by_term(text: str) -> dict[str, str]:
    """Term → the first word of `text` that gives it, lower-cased (to show "numérique" for "numerique")."""
    words: dict[str, str] = {}
    for word in _WORD.findall(text.lower()):
        for term in tokens(word):
            words.setdefault(term, word)
    return words


def _theme_key(theme: str | None) -> str:
    return " ".join(tokens(theme or ""))


class SharedTerm(NamedTuple):
    """A term both sides use: its normalised form, a word the reviewer wrote for it (accents kept), and its
    part of the cosine similarity."""

    term: str
    word: str
    contribution: float


@dataclass(frozen=True)
class Explanation:
    """The parts of one pair's score: `text_part + theme_part + bid_part == score`."""

    score: float
    text_similarity: float
    text_part: float
    shared_terms: tuple[SharedTerm, ...]  # largest contribution first
    theme_match: bool
    theme_part: float
    bid: Bid | None
    bid_part: float


@dataclass
class Affinity:
    """The result of `compute_affinity`: `scores[s, r]` for submission index s and reviewer index r."""

    scores: np.ndarray
    submission_ids: tuple[int, ...]
    reviewer_ids: tuple[int, ...]
    weights: AffinityWeights
    vocabulary: tuple[str, ...]
    _submission_vectors: sparse.csr_matrix = field(repr=False)
    _reviewer_vectors: sparse.csr_matrix = field(repr=False)
    _category: np.ndarray = field(repr=False)  # (S,) theme row of each submission's category
    _reviewer_themes: np.ndarray = field(repr=False)  # bool (themes + 1, R)
    _bids: dict[tuple[int, int], Bid] = field(repr=False)
    _reviewers: tuple[ReviewerProfile, ...] = field(repr=False)

    def explain(self, s: int, r: int, top: int = 5) -> Explanation:
        """Why submission index `s` and reviewer index `r` scored as they did."""
        a = self._submission_vectors.getrow(s)
        b = self._reviewer_vectors.getrow(r)
        common, ia, ib = np.intersect1d(a.indices, b.indices, assume_unique=True, return_indices=True)
        products = a.data[ia] * b.data[ib]
        similarity = float(min(1.0, products.sum()))
        order = np.lexsort((common, -products))[:top]
        words = _words_by_term(" ".join((*self._reviewers[r].keywords, *self._reviewers[r].themes)))
        terms = tuple(SharedTerm(term, words.get(term, term), float(products[k]))
                      for k in order for term in (self.vocabulary[common[k]],))
        w = self.weights
        match = bool(self._reviewer_themes[self._category[s], r])
        bid = self._bids.get((s, r))
        text_part, theme_part, bid_part = w.text * similarity, w.theme * match, w.bid * w.bid_value(bid)
        return Explanation(score=text_part + theme_part + bid_part, text_similarity=similarity,
                           text_part=text_part, shared_terms=terms, theme_match=match, theme_part=theme_part,
                           bid=bid, bid_part=bid_part)


def compute_affinity(*, submissions: Iterable[SubmissionText], reviewers: Iterable[ReviewerProfile],
                     bids: Mapping[tuple[int, int], Bid | str] | None = None,
                     weights: AffinityWeights = AffinityWeights(), chunk_size: int = 2048) -> Affinity:
    """The affinity matrix (submissions × reviewers, float64 in [0, 1]) of a call, in the order given.

    `bids` maps (submission id, reviewer id) to a bid; pairs without one count as "no bid". The TF-IDF is fitted
    on this call's submissions and reviewer profiles together, so a term common to every project weighs little.
    """
    submissions, reviewers = tuple(submissions), tuple(reviewers)
    sub_index = {s.id: i for i, s in enumerate(submissions)}
    rev_index = {r.id: j for j, r in enumerate(reviewers)}
    if len(sub_index) != len(submissions) or len(rev_index) != len(reviewers):
        raise ValueError("submission and reviewer ids must be unique")

    documents = [_submission_terms(s) for s in submissions] + [
        tokens(" ".join((*r.keywords, *r.themes))) for r in reviewers]
    matrix, vocabulary = _tfidf(documents)
    sub_vectors, rev_vectors = matrix[:len(submissions)], matrix[len(submissions):]

    # Theme match: one row per distinct theme, so each pair is a lookup rather than a string comparison.
    theme_ids: dict[str, int] = {}
    pairs = [(theme_ids.setdefault(key, len(theme_ids)), j) for j, reviewer in enumerate(reviewers)
             for key in map(_theme_key, reviewer.themes) if key]
    rev_themes = np.zeros((len(theme_ids) + 1, len(reviewers)), dtype=bool)  # last row: nobody's theme
    for t, j in pairs:
        rev_themes[t, j] = True
    category = np.array([theme_ids.get(_theme_key(s.category), len(theme_ids)) for s in submissions],
                        dtype=np.int64)

    # By chunks of submissions, so that no temporary as large as the whole matrix is ever allocated.
    scores = np.empty((len(submissions), len(reviewers)), dtype=np.float64)
    reviewers_t = rev_vectors.T.tocsc()
    for start in range(0, len(submissions), chunk_size):
        stop = start + chunk_size
        block = (sub_vectors[start:stop] @ reviewers_t).toarray()
        np.minimum(block, 1.0, out=block)
        block *= weights.text
        block += weights.bid * weights.no_bid
        np.add(block, weights.theme, out=block, where=rev_themes[category[start:stop]])
        scores[start:stop] = block

    by_index: dict[tuple[int, int], Bid] = {}
    for (sid, rid), bid in (bids or {}).items():
        s, r = sub_index.get(sid), rev_index.get(rid)
        if bid is not None and bid not in _BIDS:
            raise ValueError(f"unknown bid {bid!r}")
        if s is not None and r is not None and bid is not None:
            by_index[(s, r)] = _BIDS[bid]
    if by_index:
        rows, cols = np.array(list(by_index), dtype=np.int64).reshape(-1, 2).T
        delta = {bid: weights.bid * (weights.bid_value(bid) - weights.no_bid) for bid in Bid}
        scores[rows, cols] += np.array([delta[bid] for bid in by_index.values()])
    np.clip(scores, 0.0, 1.0, out=scores)
    return Affinity(scores=scores, submission_ids=tuple(sub_index), reviewer_ids=tuple(rev_index),
                    weights=weights, vocabulary=vocabulary, _submission_vectors=sub_vectors,
                    _reviewer_vectors=rev_vectors, _category=category, _reviewer_themes=rev_themes,
                    _bids=by_index, _reviewers=reviewers)


def _submission_terms(submission: SubmissionText) -> list[str]:
    terms = []
    for name, repeat in FIELD_WEIGHTS.items():
        terms.extend(tokens(getattr(submission, name) or "") * repeat)
    return terms


def _tfidf(documents: list[list[str]]) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    """Rows of L2-normalised TF-IDF weights: (1 + log tf) × (log((1 + n) / (1 + df)) + 1)."""
    terms_seen: set[str] = set()
    for terms in documents:
        terms_seen.update(terms)
    vocabulary = {term: i for i, term in enumerate(sorted(terms_seen))}  # sorted: same input, same columns
    indptr, indices = [0], []
    for terms in documents:
        indices.extend(map(vocabulary.__getitem__, terms))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    shape = (len(documents), len(vocabulary))
    counts = sparse.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr)), shape=shape)
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1 + len(documents)) / (1 + df)) + 1.0
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ counts)
    matrix.sort_indices()
    return matrix, tuple(vocabulary)
