from decimal import Decimal

import pytest

from prizeapp.core.questions import Question, missing, parse_answer, parse_answers

SHORT = Question("q1", "short_text", "Nom du service", required=True, max_length=20)
LONG = Question("q2", "long_text", "Description")
SINGLE = Question("q3", "single_choice", "Territoire", choices=("Urbain", "Rural"), required=True)
MULTI = Question("q4", "multiple_choice", "Publics", choices=("Jeunes", "Seniors", "Agents"))
NUMBER = Question("q5", "number", "Budget", minimum=Decimal(0), maximum=Decimal(50000))
DATE = Question("q6", "date", "Date de lancement")
FILE = Question("q7", "file", "Plan de financement", required=True)
ALL = [SHORT, LONG, SINGLE, MULTI, NUMBER, DATE, FILE]


@pytest.mark.parametrize("question, raw, value, problem", [
    (SHORT, ["  Mairie  "], "Mairie", None),
    (SHORT, ["x" * 21], "x" * 21, "too_long"),
    (SHORT, [""], None, None),
    (LONG, ["a\nb"], "a\nb", None),
    (LONG, ["x" * 20_001], "x" * 20_001, "too_long"),
    (SINGLE, ["Rural"], "Rural", None),
    (SINGLE, ["Lunaire"], "Lunaire", "unknown_choice"),
    (MULTI, ["Agents", "Jeunes", "Agents"], ["Jeunes", "Agents"], None),
    (MULTI, ["Jeunes", "Martiens"], ["Jeunes", "Martiens"], "unknown_choice"),
    (MULTI, [], None, None),
    (NUMBER, ["12,5"], 12.5, None),
    (NUMBER, ["50\u202f000"], 50000, None),
    (NUMBER, ["50 000"], 50000, None),
    (NUMBER, ["beaucoup"], "beaucoup", "not_a_number"),
    (NUMBER, ["1e3"], "1e3", "not_a_number"),
    (NUMBER, ["-1"], "-1", "below_min"),
    (NUMBER, ["50001"], "50001", "above_max"),
    (DATE, ["2026-04-01"], "2026-04-01", None),
    (DATE, ["01/04/2026"], "2026-04-01", None),
    (DATE, ["31/02/2026"], "31/02/2026", "not_a_date"),
    (DATE, ["demain"], "demain", "not_a_date"),
    (FILE, ["../../etc/passwd"], None, None),
])
def test_parse_answer(question, raw, value, problem):
    parsed_value, parsed_problem = parse_answer(question, raw)
    assert parsed_value == value
    assert (parsed_problem.code if parsed_problem else None) == problem


def test_too_long_says_the_limit_and_the_length():
    _, problem = parse_answer(SHORT, ["x" * 25])
    assert problem.params == {"max": 20, "length": 25}


def test_a_draft_may_miss_required_answers_but_not_be_malformed():
    parsed = parse_answers(ALL, {"q5": ["douze"], "q2": ["Un texte"]})
    assert list(parsed.problems) == ["q5"]
    assert parsed.values == {"q2": "Un texte"}


def test_missing_lists_the_required_questions_without_answer_in_form_order():
    assert missing(ALL, {}) == ["q1", "q3", "q7"]
    assert missing(ALL, {"q1": "Mairie", "q3": "Rural", "q7": [12]}) == []
    assert missing(ALL, {"q1": "", "q3": "Rural", "q7": []}) == ["q1", "q7"]


def test_unknown_kind_and_choice_question_without_choices_are_refused():
    with pytest.raises(ValueError):
        Question("x", "colour", "Couleur")
    with pytest.raises(ValueError):
        Question("x", "single_choice", "Choix")


# --- amounts in euros ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, amount", [
    ("9 000,50 €", Decimal("9000.50")),
    ("9 000 €", Decimal("9000")),
    ("9000", Decimal("9000")),
    ("9\u00a0000", Decimal("9000")),
    ("9\u202f000\u202f€", Decimal("9000")),
    ("9\u00a0000,5\u00a0€", Decimal("9000.5")),
    ("9000.50", Decimal("9000.50")),  # a point is the decimal separator
    ("  75€ ", Decimal("75")),
    ("-20 €", Decimal("-20")),  # a number: whether it may be negative is the form's business
])
def test_an_amount_is_read_as_french_agents_type_it(typed, amount):
    from prizeapp.core.questions import parse_amount

    assert parse_amount(typed) == amount


@pytest.mark.parametrize("typed", ["9.000,50", "9.000", "12,500", "€", "9 000 € 50", "€ 9 000", "neuf mille",
                                   "9000 $", "1e3", ""])
def test_what_is_not_an_amount_is_refused(typed):
    # "9.000": nine thousand with a point between the thousands, or nine? Refused rather than guessed.
    from prizeapp.core.questions import parse_amount

    with pytest.raises(ValueError):
        parse_amount(typed)
