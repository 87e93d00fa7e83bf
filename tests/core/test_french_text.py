"""French words for the SQLite index: folded and stemmed so that a query meets the words as PostgreSQL's
unaccent + french_stem would."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prizeapp.core import french_text


def test_fold_removes_case_accents_ligatures_and_elisions():
    assert french_text.fold("L'Été des ÉCOLES, œuvre d’Anaïs") == " ete des ecoles, oeuvre  anais"


@pytest.mark.parametrize(("one", "other"), [
    ("école", "ECOLES"), ("mobilité", "mobilités"), ("partagé", "partagés"), ("aidant", "aidants"),
    ("l'innovation", "innovations"), ("numérique", "numeriques"), ("territoire", "territoires"),
])
def test_forms_of_a_word_share_their_stem(one, other):
    assert french_text.words(one) == french_text.words(other)


def test_different_words_keep_different_stems():
    assert french_text.words("cantine") != french_text.words("mobilité")


def test_stop_words_are_left_out():
    assert french_text.words("la cantine et le jardin des écoles") == french_text.words("cantine jardin écoles")
    assert french_text.query_terms("de la et") == []


def test_query_terms_are_distinct_in_the_order_typed():
    assert french_text.query_terms("écoles rurales école") == [french_text.stem("ecoles"),
                                                               french_text.stem("rurales")]


@given(st.text(max_size=200))
def test_words_are_always_index_safe(text):
    # What the FTS5 query quotes must never contain a quote or an operator character.
    assert all(word.isascii() and word.isalnum() for word in french_text.words(text))
