"""The solver's messages said in the reader's language, from their code and parameters."""
from flask_babel import force_locale

from prizeapp.core.assignment import Explained, InfeasibleAssignment, assign
from prizeapp.views.solver_messages import SENTENCES, say


def test_a_reason_is_said_from_its_code_with_its_parameters(app):
    message = {"code": "few_conflict_free_reviewers", "text": "submission AAP-1 has only 1 ...",
               "params": {"submission": "AAP-1", "available": 1, "needed": 3}}
    with app.test_request_context():
        with force_locale("en"):
            assert say(message) == "AAP-1 has only 1 reviewers without a conflict of interest, and needs 3."
        with force_locale("fr"):
            assert say(message) == "AAP-1\u00a0: 1 évaluateur(s) sans conflit d'intérêts, pour 3 nécessaires."


def test_long_lists_are_shortened_and_unknown_codes_fall_back_to_the_text(app):
    with app.test_request_context(), force_locale("en"):
        many = say({"code": "group_short_of_reviewers",
                    "params": {"submissions": [f"P{i}" for i in range(14)], "reviewers": ["A"], "need": 5, "most": 2},
                    "text": ""})
        assert "P9" in many and "P10" not in many and "4 more" in many
        assert say({"code": "unknown", "params": {}, "text": "as is"}) == "as is"
        assert say("an older run's reason") == "an older run's reason"


def test_every_code_the_solver_uses_has_a_sentence():
    import inspect
    from pathlib import Path

    from prizeapp.core import assignment as core
    from prizeapp.services import assignment as service

    package = Path(core.__file__).parent
    source = "".join(path.read_text() for path in sorted(package.glob("*.py"))) + inspect.getsource(service)
    import re
    codes = set(re.findall(r'Explained\(\s*"([a-z_]+)"', source))
    assert codes and codes <= set(SENTENCES), codes - set(SENTENCES)


def test_the_core_reasons_carry_their_code_and_indices():
    import numpy as np
    import pytest

    conflicts = np.zeros((2, 3), dtype=bool)
    conflicts[0, :2] = True
    with pytest.raises(InfeasibleAssignment) as error:
        assign(np.ones((2, 3)), conflicts, 2, 2)
    [reason] = [r for r in error.value.reasons if r.code == "few_conflict_free_reviewers"]
    assert isinstance(reason, Explained) and reason.params == {"submission": 0, "available": 1, "needed": 2}
    assert str(reason) == "submission 0 has only 1 conflict-free reviewers (needs 2)"
