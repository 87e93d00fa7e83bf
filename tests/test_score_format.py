"""One way to write scores (formatting.score, score_places, rounded_score): one decimal on a scale of a few
points, two when different scores of a list would look equal with one, the same number for the spreadsheets."""
from decimal import Decimal

import pytest
from flask_babel import force_locale

from prizeapp.core.spreadsheet import cell_text
from prizeapp.formatting import rounded_score, score, score_places


@pytest.mark.parametrize("values, scale, places", [
    ([4.46, 4.44, 4.2], (1, 5), 1),  # 4,5 · 4,4 · 4,2: told apart with one decimal
    ([4.46, 4.54, 3.0], (1, 5), 2),  # 4,5 and 4,5 would look equal: 4,46 · 4,54
    ([4.0, 4.0, 3.5], (1, 5), 1),  # equal scores may look equal
    ([7.24, 7.36], (0, 10), 1),
    ([7.26, 7.34], (0, 10), 2),
    ([62.4, 71.0], (0, 100), 0),  # a wide scale: whole points
    ([62.4, 62.2], (0, 100), 1),
    ([4.461, 4.464], (1, 5), 2),  # never a third decimal: 4,46 and 4,46, the ranks say which is ahead
    ([None, 3.2], None, 1),
])
def test_a_list_of_scores_gets_one_decimal_or_two_when_ties_would_otherwise_look_equal(values, scale, places):
    assert score_places(values, scale) == places


def test_scores_are_written_with_exactly_their_decimals_in_the_readers_language(app):
    with force_locale("fr"):
        assert [score(4, 1), score(4.55, 2), score(3.75, 1), score(4.25, 1), score(None)] == \
            ["4,0", "4,55", "3,8", "4,3", "—"]
        assert score(62.5, 0) == "63"
    with force_locale("en"):
        assert score(4, 1) == "4.0"


def test_spreadsheets_get_the_same_number_as_the_page(app):
    value = rounded_score(4.25, 1)
    assert value == Decimal("4.3") and cell_text(value) == "4,3"
    assert cell_text(rounded_score(-0.35, 1)) == "-0,4"  # a number, not a defused text
    with force_locale("fr"):
        assert score(4.25, 1) == cell_text(value)
