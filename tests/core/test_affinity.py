import numpy as np
import pytest

from prizeapp.core.affinity import (
    AffinityWeights,
    Bid,
    ReviewerProfile,
    SubmissionText,
    compute_affinity,
    normalise,
    tokens,
)

SUBMISSIONS = [
    SubmissionText(1, "Guichet numérique pour les démarches des habitants",
                   "Un guichet en ligne unique pour les démarches administratives.",
                   "Les agents accompagnent les usagers éloignés du numérique.", "Numérique"),
    SubmissionText(2, "Cantines scolaires en circuits courts",
                   "Des repas bio et locaux dans les écoles de la ville.",
                   "Les producteurs agricoles livrent les cantines chaque semaine.", "Alimentation"),
    SubmissionText(3, "Covoiturage des agents territoriaux",
                   "Une application de covoiturage entre collectivités.", "", "Mobilité"),
]
REVIEWERS = [
    ReviewerProfile(10, ("démarches en ligne", "numérique", "guichet unique"), ("Numérique",)),
    ReviewerProfile(11, ("cantine scolaire", "circuit court", "producteurs agricoles"), ("Alimentation",)),
    ReviewerProfile(12, ("finances publiques", "comptabilité"), ()),
]


def test_normalise_strips_accents_case_and_plurals():
    assert normalise("Numériques") == "numerique"
    assert normalise("territoriaux") == "territorial"
    assert normalise("Bureaux") == "bureau"
    assert normalise("Œuvres") == "oeuvre"
    assert normalise("process") == "process"


def test_tokens_drop_stop_words_numbers_and_split_elisions():
    assert tokens("L'accès des agents à l'innovation, dans 12 services") == [
        "acce", "agent", "innovation", "service"]


def test_identical_texts_score_higher_than_unrelated():
    affinity = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS)
    assert affinity.scores.shape == (3, 3)
    assert affinity.scores[0, 0] > affinity.scores[0, 1] and affinity.scores[0, 0] > affinity.scores[0, 2]
    assert affinity.scores[1, 1] > affinity.scores[1, 0]
    same = compute_affinity(submissions=[SubmissionText(1, "budget participatif")],
                            reviewers=[ReviewerProfile(1, ("budget participatif",)),
                                       ReviewerProfile(2, ("voirie",))])
    assert same.explain(0, 0).text_similarity == pytest.approx(1.0)
    assert same.explain(0, 1).text_similarity == 0.0


def test_accents_case_and_plurals_do_not_change_the_similarity():
    submissions = [SubmissionText(1, "Inclusion numérique des Seniors", category="Solidarités")]
    plain = [ReviewerProfile(1, ("inclusion numerique", "senior"), ("solidarite",))]
    accented = [ReviewerProfile(1, ("INCLUSIONS NUMÉRIQUES", "séniors"), ("Solidarités",))]
    a = compute_affinity(submissions=submissions, reviewers=plain)
    b = compute_affinity(submissions=submissions, reviewers=accented)
    assert a.explain(0, 0).theme_match and b.explain(0, 0).theme_match
    # "séniors" folds to "seniors", then "senior": the same three terms on both sides.
    assert a.scores[0, 0] == pytest.approx(b.scores[0, 0])


def test_theme_match_adds_its_weight():
    weights = AffinityWeights()
    affinity = compute_affinity(submissions=[SubmissionText(1, "x", category="Mobilité")],
                                reviewers=[ReviewerProfile(1, themes=("mobilite",)), ReviewerProfile(2)])
    assert affinity.explain(0, 0).theme_part == weights.theme
    assert affinity.explain(0, 1).theme_part == 0.0
    # The theme also counts as expertise text, so the match shows on both parts.
    assert affinity.explain(0, 0).text_similarity == pytest.approx(1.0)


@pytest.mark.parametrize(("bid", "direction"), [(Bid.EAGER, 1), ("willing", 1), (Bid.NOT_INTERESTED, -1)])
def test_bids_move_the_score_in_the_documented_direction(bid, direction):
    weights = AffinityWeights()
    base = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS)
    bid_on = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, bids={(3, 12): bid})
    delta = bid_on.scores[2, 2] - base.scores[2, 2]
    assert np.sign(delta) == direction
    assert delta == pytest.approx(weights.bid * (weights.bid_value(bid) - weights.no_bid))
    changed = bid_on.scores != base.scores
    assert changed.sum() == 1


def test_eager_beats_willing_beats_none_beats_not_interested():
    scores = [compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS,
                               bids={(1, 12): bid} if bid else {}).scores[0, 2]
              for bid in ("eager", "willing", None, "not_interested")]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


def test_scores_lie_between_zero_and_one():
    bids = {(s.id, r.id): "eager" for s in SUBMISSIONS for r in REVIEWERS}
    affinity = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, bids=bids)
    assert affinity.scores.min() >= 0.0 and affinity.scores.max() <= 1.0


def test_explain_parts_add_up_to_the_score():
    affinity = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS,
                                bids={(1, 10): "eager", (2, 10): "not_interested"})
    for s in range(3):
        for r in range(3):
            parts = affinity.explain(s, r)
            assert parts.text_part + parts.theme_part + parts.bid_part == pytest.approx(parts.score)
            assert parts.score == pytest.approx(affinity.scores[s, r])


def test_explain_names_the_shared_terms_and_the_bid():
    affinity = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, bids={(1, 10): "eager"})
    parts = affinity.explain(0, 0)
    assert {(t.term, t.word) for t in parts.shared_terms} >= {
        ("guichet", "guichet"), ("numerique", "numérique"), ("demarche", "démarches")}
    assert [t.contribution for t in parts.shared_terms] == sorted(
        (t.contribution for t in parts.shared_terms), reverse=True)
    assert sum(t.contribution for t in affinity.explain(0, 0, top=100).shared_terms) == pytest.approx(
        parts.text_similarity)
    assert parts.bid is Bid.EAGER and parts.theme_match is True


def test_weights_must_add_up_to_one():
    with pytest.raises(ValueError):
        AffinityWeights(text=0.5, theme=0.5, bid=0.5)
    with pytest.raises(ValueError):
        AffinityWeights(willing=0.2, no_bid=0.4)


def test_chunking_does_not_change_the_result():
    whole = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS)
    chunked = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, chunk_size=1)
    assert np.allclose(whole.scores, chunked.scores)


def test_empty_profiles_and_texts_score_only_their_bid():
    affinity = compute_affinity(submissions=[SubmissionText(1, "")], reviewers=[ReviewerProfile(1)])
    assert affinity.scores.tolist() == [[pytest.approx(AffinityWeights().bid * AffinityWeights().no_bid)]]


def test_bids_on_unknown_pairs_are_ignored_and_unknown_bids_refused():
    base = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS)
    other = compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, bids={(99, 10): "eager"})
    assert np.array_equal(base.scores, other.scores)
    with pytest.raises(ValueError):
        compute_affinity(submissions=SUBMISSIONS, reviewers=REVIEWERS, bids={(1, 10): "maybe"})
