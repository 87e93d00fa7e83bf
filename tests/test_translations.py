"""The French catalog is complete and faithful, and the language choice reaches pages and emails.

The first tests read the sources and the catalog files themselves, with babel's own extractor and the
mapping of babel.cfg, so that a message added to a template or a form without its translation fails here
rather than showing up in English on a French page.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from prizeapp.enums import Locale
from prizeapp.extensions import db
from prizeapp.models import OutboxEmail, User

from . import factories
from .conftest import login, post_form

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "prizeapp" / "translations"
FR_PO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po"
FR_MO = TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.mo"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}  # as `pybabel extract -k _l` in the Makefile

# %(name)s, %(count)d, %(ratio).1f … : the name and the conversion both have to survive translation.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[diouxXeEfFgGcrsa]")


# --- the catalog ---------------------------------------------------------------------------------------

def _searched(path: str) -> bool:
    """Like pybabel: skip hidden and underscore directories (.venv, .git); skip node_modules too, for speed."""
    name = Path(path).name
    return not name.startswith((".", "_")) and name != "node_modules"


def _source_messages() -> dict[str, str]:
    """Every msgid of the sources (the singular of a plural message), with the first file it is in."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(ROOT / "babel.cfg"))
    found: dict[str, str] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS,
        directory_filter=_searched,
    ):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        if msgid:
            found.setdefault(msgid, filename)
    return found


def _fr_catalog():
    with open(FR_PO, "rb") as f:
        return read_po(f, locale="fr")


def _strings(value) -> list[str]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def _formats(text: str, placeholders: set[str]) -> bool:
    values = {re.search(r"\((\w+)\)", p).group(1): 1 for p in placeholders}
    try:
        text % values
    except (ValueError, TypeError, KeyError):
        return False
    return True


def test_the_extraction_finds_the_messages_of_templates_forms_and_labels():
    # Guards the test below: an extraction that silently found nothing would let everything pass.
    found = _source_messages()
    assert "Sign in" in found  # a template
    assert "Call for projects" in found  # a lazy label (_l) in Python
    assert "Reset your password" in found  # an email template


def test_every_message_of_the_sources_has_a_french_translation():
    catalog = _fr_catalog()
    problems = []
    for msgid, filename in sorted(_source_messages().items()):
        message = catalog.get(msgid)
        if message is None:
            problems.append(f"missing from messages.po ({filename}; run `make translations`): {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(s.strip() for s in _strings(message.string)):
            problems.append(f"not translated ({filename}): {msgid!r}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders_of_their_msgid():
    problems = []
    for message in _fr_catalog():
        if not message.id:
            continue  # the header
        ids = _strings(message.id)
        expected = set().union(*(_placeholders(s) for s in ids))
        for form, translation in enumerate(_strings(message.string)):
            # A plural's singular form keeps the English singular's names ("Its review gave %(raw)s."), and may
            # add or leave out the number (`pybabel compile` refuses other names the singular lacks).
            if len(ids) > 1 and form == 0:
                singular = _placeholders(ids[0])
                if translation and not (singular - {"%(num)d"} <= _placeholders(translation) <= singular | {"%(num)d"}):
                    problems.append(f"{message.id!r}: its singular expects {sorted(singular)}, "
                                    f"the translation has {sorted(_placeholders(translation))}")
                continue
            if translation and _placeholders(translation) != expected:
                problems.append(f"{message.id!r}: expects {sorted(expected)}, "
                                f"the translation has {sorted(_placeholders(translation))}")
            elif translation and _formats(_strings(message.id)[0], expected) and not _formats(translation, expected):
                # A stray % (e.g. "25 %" instead of "25 %%") breaks the page: Jinja formats every message.
                problems.append(f"{message.id!r}: the translation cannot be %-formatted: {translation!r}")
    assert not problems, "\n".join(problems)


def test_french_translations_use_non_breaking_spaces_before_double_punctuation():
    problems = []
    for message in _fr_catalog():
        for translation in _strings(message.string) if message.id else []:
            # A plain space before : ; ? ! or inside « », or no space at all before them (a glued ":"
            # is only flagged before a space or at the end, so that URLs and times such as 14:30 pass).
            if re.search(r" [:;?!»]|« |\w[;?!](?:\s|$)|\w:(?:\s|$)", translation):
                problems.append(f"{message.id!r}: {translation!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalog_matches_the_po_file():
    """The app reads the .mo: after editing the .po, run `pybabel compile -d prizeapp/translations`."""
    if not FR_MO.exists():
        pytest.fail(f"{FR_MO} is missing: run `.venv/bin/pybabel compile -d prizeapp/translations`")
    with open(FR_MO, "rb") as f:
        # Plural entries come as lists (msgid, msgid_plural) and (msgstr[0], msgstr[1]): compare as tuples.
        compiled = {_hashable(m.id): _hashable(m.string) for m in read_mo(f) if m.id}
    stale = [m.id for m in _fr_catalog()
             if m.id and not m.fuzzy and compiled.get(_hashable(m.id)) != _hashable(m.string)]
    assert not stale, f"messages.mo is out of date for {len(stale)} messages, e.g. {stale[:3]}"


def _hashable(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


# --- pages ---------------------------------------------------------------------------------------------

def _page(client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_pages_are_in_french_by_default(client):
    html = _page(client)
    assert '<html lang="fr">' in html
    assert "Innover, évaluer, partager ce qui fonctionne" in html
    assert "Se connecter" in html and "Créer un compte" in html
    assert "Sign in" not in html


def test_the_language_switch_turns_the_pages_to_english_and_is_remembered(client):
    response = post_form(client, "/account/language", {"locale": "en"}, page="/")
    assert response.status_code == 302

    html = _page(client)
    assert '<html lang="en">' in html
    assert "Calls for projects and innovation prizes" in html
    assert "Se connecter" not in html
    # Remembered on the next page too, not only on the page the switch redirects to.
    html = _page(client, "/login")
    assert '<html lang="en">' in html and "Forgot your password?" in html

    post_form(client, "/account/language", {"locale": "fr"}, page="/login")
    html = _page(client, "/login")
    assert '<html lang="fr">' in html and "Mot de passe oublié\u00a0?" in html


def test_an_unknown_language_is_refused_and_pages_stay_in_french(client):
    post_form(client, "/account/language", {"locale": "de"}, page="/")
    assert '<html lang="fr">' in _page(client)


def test_a_signed_in_user_choice_is_saved_in_the_profile(client):
    user = factories.user(locale=Locale.FR)
    login(client, user.email)
    assert '<html lang="fr">' in _page(client, "/account/")

    post_form(client, "/account/language", {"locale": "en"}, page="/account/")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == Locale.EN
    html = _page(client, "/account/")
    assert '<html lang="en">' in html and "My space" in html

    # A new session (another browser) finds the saved choice.
    other = client.application.test_client()
    login(other, user.email)
    assert '<html lang="en">' in _page(other, "/account/")


# --- emails --------------------------------------------------------------------------------------------

def _reset_email_for(client, user: User) -> OutboxEmail:
    post_form(client, "/reset", {"email": user.email})
    db.session.expire_all()
    emails = db.session.scalars(db.select(OutboxEmail).where(OutboxEmail.recipient == user.email)).all()
    assert len(emails) == 1
    return emails[0]


def test_emails_are_written_in_the_recipient_language_not_the_visitor_one(client):
    english = factories.user(locale=Locale.EN, first_name="Alex")
    french = factories.user(locale=Locale.FR, first_name="Camille")

    # The visitor browses in French and asks a reset for the English-speaking account…
    email = _reset_email_for(client, english)
    assert (email.locale, email.subject) == ("en", "Reset your password")
    assert email.body_text.startswith("Hello Alex,")
    assert '<html lang="en">' in email.body_html and "Choose a new password" in email.body_html

    # … and browses in English to ask one for the French-speaking account.
    post_form(client, "/account/language", {"locale": "en"}, page="/")
    email = _reset_email_for(client, french)
    assert (email.locale, email.subject) == ("fr", "Réinitialisation de votre mot de passe")
    assert email.body_text.startswith("Bonjour Camille,")
    assert "Ce lien est valable 1\u00a0heure et une seule fois" in email.body_text  # French plural and spacing
    assert '<html lang="fr">' in email.body_html and "Choisir un nouveau mot de passe" in email.body_html


def test_changing_language_while_signed_in_changes_the_language_of_later_emails(client):
    user = factories.user(locale=Locale.FR)
    login(client, user.email)
    post_form(client, "/account/language", {"locale": "en"}, page="/account/")

    anonymous = client.application.test_client()
    email = _reset_email_for(anonymous, user)
    assert email.subject == "Reset your password"
