"""The evaluation grid's arithmetic (a review's weighted total from its scores per criterion), and which of its
criteria judge a project's essaimage."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .french_text import fold


def weighted_total(scores: Mapping[int, float], weights: Mapping[int, float]) -> float:
    """The weighted mean of `scores` (criterion → score) with `weights` (criterion → weight, e.g. percent).

    On the criteria's common scale when they share one; every weighted criterion must be scored. Criteria of
    weight 0 count for nothing (they may be left out of `scores`).
    """
    weighted = {c: w for c, w in weights.items() if w > 0}
    if not weighted:
        raise ValueError("the grid has no weighted criterion")
    missing = [c for c in weighted if c not in scores or scores[c] is None]
    if missing:
        raise ValueError(f"criteria {sorted(missing)} are not scored")
    return sum(scores[c] * w for c, w in weighted.items()) / sum(weighted.values())


def grid_scale(scales: Sequence[tuple[int, int]], weights: Sequence[float]) -> tuple[float, float]:
    """The scale of the weighted total: the weighted means of the criteria's minimums and maximums."""
    total = sum(w for w in weights if w > 0)
    if not total:
        raise ValueError("the grid has no weighted criterion")
    lo = sum(s[0] * w for s, w in zip(scales, weights) if w > 0) / total
    hi = sum(s[1] * w for s, w in zip(scales, weights) if w > 0) / total
    return lo, hi


# Stems of the words that say a criterion is about a project's potential to be taken up elsewhere, after
# french_text.fold (lower case, no accents): essaimage, essaimer; réplication, réplicabilité, replicate;
# reproduction, reproductible, reproduire; transférabilité, transferability. The SGMAP grid names it
# « Essaimage »; organisers who rename it keep one of these words.
REPLICATION_STEMS = ("essaim", "replic", "reprodu", "transferab")


def is_about_replication(name: str, description: str = "") -> bool:
    """Whether a criterion of the grid judges the potential of a project to be taken up elsewhere (its
    essaimage), read from its name or description, whatever their case and accents."""
    text = fold(f"{name} {description}")
    return any(stem in text for stem in REPLICATION_STEMS)


# Stems of the words that say a criterion judges a project's economic model, after french_text.fold: modèle
# économique, économie, economic; financement, financial; soutenabilité, sustainability; viabilité, viability;
# coûts. The SGMAP grid names it « Modèle économique ».
ECONOMIC_STEMS = ("econom", "financ", "soutenab", "sustainab", "viabil", "cout", "business model")


def is_about_economic_model(name: str) -> bool:
    """Whether a criterion of the grid judges the economic model of a project (its costs, funding and
    sustainability), read from its name only: descriptions of other criteria often mention costs."""
    return any(stem in fold(name) for stem in ECONOMIC_STEMS)
