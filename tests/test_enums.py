"""The vocabularies shown to people carry their own labels, translated into French.

Labels belong to each enum, not to a shared table keyed by values: values collide across enums ("draft" is
a call phase and a review status, "organiser" a role and a source of conflicts) and each needs its own words.
"""
from __future__ import annotations

import enum
import inspect
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from prizeapp import enums
from prizeapp.enums import (
    BlindLevel,
    CallPhase,
    CallRoleKind,
    ConflictSource,
    ExclusionRequestStatus,
    LabelledEnum,
    Locale,
    PoolStatus,
    ReviewStatus,
    SubmissionStatus,
)
from prizeapp.labels import label

FR_PO = Path(__file__).resolve().parents[1] / "prizeapp" / "translations" / "fr" / "LC_MESSAGES" / "messages.po"

# Vocabularies never shown as such: pages say where a job stands in sentences of their own.
INTERNAL = {enums.JobStatus}


def _vocabularies() -> list[type[enum.Enum]]:
    return [value for name, value in vars(enums).items()
            if inspect.isclass(value) and issubclass(value, enum.Enum) and value is not LabelledEnum
            and value.__module__ == enums.__name__ and name == value.__name__]


LABELLED = [v for v in _vocabularies() if issubclass(v, LabelledEnum)]
MEMBERS = [member for vocabulary in LABELLED for member in vocabulary]


def english(text) -> str:
    with force_locale("en"):
        return str(text)


def french(text) -> str:
    with force_locale("fr"):
        return str(text)


def test_every_vocabulary_is_labelled_or_known_to_be_internal():
    unlabelled = {v for v in _vocabularies() if not issubclass(v, LabelledEnum)}
    assert unlabelled == INTERNAL


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_member_has_a_label(member):
    assert member.label is not None
    assert english(member.label).strip()
    with force_locale("fr"):
        assert label(member) == str(member.label)  # the templates' filter says the same


@pytest.mark.parametrize(("one", "other"), [
    (ConflictSource.ORGANISER, CallRoleKind.ORGANISER),
    (ReviewStatus.DRAFT, CallPhase.DRAFT),
    (BlindLevel.OPEN, CallPhase.OPEN),
    (ExclusionRequestStatus.ACCEPTED, PoolStatus.ACCEPTED),
    (ExclusionRequestStatus.DECLINED, PoolStatus.DECLINED),
])
def test_equal_values_of_two_vocabularies_keep_their_own_labels(one, other):
    assert one == other  # str enums: the values are equal…
    assert english(one.label) != english(other.label)  # …and the words are not
    assert french(one.label) != french(other.label)


def test_equal_values_with_the_same_meaning_may_share_their_words():
    assert french(SubmissionStatus.DRAFT.label) == french(CallPhase.DRAFT.label)


@pytest.fixture(scope="module")
def catalog():
    with open(FR_PO, "rb") as f:
        return read_po(f, locale="fr")


@pytest.mark.parametrize("member", [m for m in MEMBERS if not isinstance(m, Locale)],
                         ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_label_has_a_french_translation(member, catalog):
    msgid = english(member.label)
    assert catalog.get(msgid) is not None and catalog.get(msgid).string, msgid
    assert french(member.label) == catalog.get(msgid).string


def test_languages_are_named_in_themselves_whatever_the_reader_speaks():
    assert [english(loc.label) for loc in Locale] == ["Français", "English"]
    assert [french(loc.label) for loc in Locale] == ["Français", "English"]
    assert [french(loc.language) for loc in Locale] == ["Français", "Anglais"]
