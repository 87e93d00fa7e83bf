"""Every refusal a service raises has a sentence in a table of the views, and the tables fill their sentences
from the error's values."""
from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from collections import defaultdict
from pathlib import Path

import pytest
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

import prizeapp.services
import prizeapp.views
from prizeapp.errors import RuleError
from prizeapp.services.calls import CallError
from prizeapp.services.review_pool import PoolError
from prizeapp.services.tokens import TokenError
from prizeapp.views.refusals import GENERIC, Refusals

SERVICES = Path(prizeapp.services.__file__).parent

# A link's page explains its code itself (templates/auth/token_problem.html and the invitation pages).
EXPLAINED_BY_TEMPLATES = {TokenError}


def _modules(package) -> list:
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def _error_classes() -> dict[str, type[RuleError]]:
    """The RuleError subclasses of the services, by class name (as a `raise` names them)."""
    return {name: value for module in _modules(prizeapp.services) for name, value in vars(module).items()
            if inspect.isclass(value) and issubclass(value, RuleError) and value is not RuleError}


def _codes_in(node: ast.expr) -> set[str]:
    """The codes an argument of a raise can be: a string, or either side of a conditional expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _codes_in(node.body) | _codes_in(node.orelse)
    return set()


def raised_codes() -> dict[type[RuleError], set[str]]:
    """Every code written in a `raise XError("code", …)` of prizeapp/services, by error class."""
    classes = _error_classes()
    found: dict[type[RuleError], set[str]] = defaultdict(set)
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in classes:
                for argument in node.exc.args:
                    found[classes[name]] |= _codes_in(argument)
    return found


def refusal_tables() -> list[Refusals]:
    return [value for module in _modules(prizeapp.views) for value in vars(module).values()
            if isinstance(value, Refusals)]


def test_the_services_codes_are_found():
    # Guards the test below: a collection that found nothing would let everything pass.
    codes = raised_codes()
    assert {"not_in_pool", "committed_assignments", "results_published"} <= codes[PoolError]
    assert {"phase_move_not_allowed", "grid_frozen"} <= codes[CallError]
    assert len(refusal_tables()) >= 10


def test_every_code_a_service_raises_has_a_sentence():
    tables = refusal_tables()
    missing = []
    for error, codes in raised_codes().items():
        if error in EXPLAINED_BY_TEMPLATES:
            continue
        known = set().union(*(table.sentences for table in tables if issubclass(error, table.error)))
        missing += [f"{error.__name__}: {code}" for code in sorted(codes - known)]
    assert not missing, "codes without a sentence in any Refusals table of prizeapp/views:\n" + "\n".join(missing)


# --- the tables --------------------------------------------------------------------------------------------

@pytest.fixture
def in_a_request(app):
    # The language of a sentence is the request's.
    with app.test_request_context("/"):
        yield


class _Refused(RuleError):
    pass


TABLE = Refusals(_Refused, {
    "too_many": _l("At most %(maximum)d groups."),
    "in_phase": _l("The call is in the phase “%(phase)s”."),
    "counted": lambda p: ngettext("%(num)d sample left", "%(num)d samples left", p["count"]),
}, formats={"phase": str.upper})


in_request = pytest.mark.usefixtures("in_a_request")


@in_request
def test_a_sentence_is_filled_from_the_params_of_the_error():
    assert TABLE.say(_Refused("too_many", maximum=8)) == "At most 8 groups."


@in_request
def test_a_param_is_shown_through_the_format_of_its_name():
    assert TABLE.say(_Refused("in_phase", phase="review")) == "The call is in the phase “REVIEW”."


@in_request
def test_a_sentence_that_depends_on_a_number_is_a_function_of_the_params():
    assert TABLE.say(_Refused("counted", count=1)) == "1 sample left"
    assert TABLE.say(_Refused("counted", count=3)) == "3 samples left"


@in_request
def test_several_codes_give_one_sentence_each():
    assert TABLE.say(_Refused("too_many", "in_phase", maximum=2, phase="open")) == (
        "At most 2 groups. The call is in the phase “OPEN”.")


@in_request
def test_an_unknown_code_gets_the_default_sentence():
    assert TABLE.say(_Refused("surprise")) == str(GENERIC)
    with_code = Refusals(_Refused, {}, default=_l("Refused (%(code)s)."))
    assert with_code.say(_Refused("surprise")) == "Refused (surprise)."


@in_request
def test_the_page_adds_values_the_error_does_not_carry():
    assert TABLE.say(_Refused("too_many"), maximum=5) == "At most 5 groups."


@in_request
def test_a_code_the_page_finds_itself_has_its_sentence_too():
    assert TABLE.sentence("in_phase", {"phase": "draft"}) == "The call is in the phase “DRAFT”."


def test_a_rule_error_keeps_its_codes_and_params():
    error = _Refused("first", "second", count=2)
    assert (error.code, error.codes, error.params, str(error)) == ("first", ["first", "second"], {"count": 2},
                                                                   "first, second")
