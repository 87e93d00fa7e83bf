"""The checkers' pages: the list of what waits, a version against the public one, approving, asking for changes and
withdrawing, with the team's emails received through a real SMTP server."""
from __future__ import annotations

import re

import pytest

from prizeapp.enums import CallPhase, CallRoleKind, InnovationStatus, Locale, VersionStatus
from prizeapp.extensions import db
from prizeapp.models.types import utcnow
from prizeapp.services import outbox
from prizeapp.services.innovations import records, search

from .. import factories
from ..conftest import fr, post_form, sign_in_as, text


@pytest.fixture
def world():
    call = factories.call(title="Prix de l'innovation territoriale", phase=CallPhase.PUBLISHED)
    call.results_published_at = utcnow()
    organiser = factories.user(first_name="Sophie", email="sophie@region.fr")
    factories.grant(organiser, call, CallRoleKind.ORGANISER)
    lead = factories.user(first_name="Aïcha", email="aicha@ville.fr")
    co = factories.user(first_name="Alex", email="alex@city.example", locale=Locale.EN)
    waiting = factories.record_of_team(call=call, lead=lead, members=(co,), waiting=True,
                                       title="Conciergerie solidaire des aidants")
    other_call = factories.call(title="Appel d'une autre région")
    elsewhere = factories.record_of_team(call=other_call, lead=factories.user(), waiting=True,
                                         title="Navette rurale à la demande")
    db.session.commit()
    return {"call": call, "organiser": organiser, "lead": lead, "co": co, "waiting": waiting,
            "elsewhere": elsewhere, "admin": factories.user(admin=True)}


def _found(query: str) -> list[int]:
    return [row.innovation_id for row in db.session.execute(search.matching(query)).all()]


def test_the_queue_lists_what_the_organiser_checks_and_the_organisers_page_links_it(client, world):
    sign_in_as(client, world["organiser"])
    assert "/manage/innovations" in client.get("/manage/").get_data(as_text=True)
    page = text(client.get("/manage/innovations"))
    assert f"/manage/innovations/{world['waiting'].slug}" in page and "Conciergerie solidaire des aidants" in page
    assert "Navette rurale" not in page
    sign_in_as(client, world["admin"])
    assert "Navette rurale à la demande" in text(client.get("/manage/innovations"))
    sign_in_as(client, world["organiser"])
    assert client.get(f"/manage/innovations/{world['elsewhere'].slug}").status_code == 403


def test_the_checking_page_shows_the_version_field_by_field(client, world):
    sign_in_as(client, world["organiser"])
    page = text(client.get(f"/manage/innovations/{world['waiting'].slug}"))
    assert fr("The fixed core: what must be kept for it to work") in page
    assert "Le guichet unique et la formation des bénévoles." in page
    assert "Ille-et-Vilaine (35)" in page and "Bretagne (53)" in page
    assert '<a href="https://exemple.fr/guide" rel="noopener noreferrer nofollow">Guide de mise en place</a>' in page
    assert fr("A first publication: nothing of this record is public yet.") in page
    assert 'class="changed"' not in page


def test_a_new_version_shows_what_changed_since_the_public_one(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    records.save(innovation=record, actor=world["lead"], based_on=2,
                 content=factories.record_content(results="640 aidants accompagnés en deux ans."))
    records.send_for_checking(innovation=record, actor=world["lead"])
    db.session.commit()
    sign_in_as(client, world["organiser"])
    page = text(client.get(f"/manage/innovations/{record.slug}"))
    assert fr("%(num)d field changed since the public version, marked below:", num=1) in page
    changed = page.split('class="changed"')
    assert len(changed) == 2 and fr("Results so far") in changed[1].split("</div>")[0]
    assert "640 aidants accompagnés en deux ans." in changed[1].split("</div>")[0]


def test_approving_publishes_and_tells_the_team_in_its_language(client, world, mailbox):
    record = world["waiting"]
    sign_in_as(client, world["organiser"])
    response = post_form(client, f"/manage/innovations/{record.slug}/approve", {"number": "2"},
                         page=f"/manage/innovations/{record.slug}")
    assert response.status_code == 302 and response.headers["Location"] == "/manage/innovations"
    db.session.expire_all()
    assert record.status == InnovationStatus.PUBLISHED and record.published_version.number == 2
    assert _found("aidants") == [record.id]
    outbox.deliver_pending()
    french = mailbox.to(world["lead"].email)[0]
    assert french["Subject"] == fr("Your innovation record “%(title)s” is published",
                                   title="Conciergerie solidaire des aidants")
    assert mailbox.link(french, "/innovations/") == f"/innovations/{record.slug}"
    english = mailbox.to(world["co"].email)[0]
    assert english["Subject"] == "Your innovation record “Conciergerie solidaire des aidants” is published"
    assert "Hello Alex," in mailbox.text(english)


def test_approving_another_version_than_the_one_read_is_refused(client, world):
    record = world["waiting"]
    sign_in_as(client, world["organiser"])
    response = post_form(client, f"/manage/innovations/{record.slug}/approve", {"number": "1"},
                         page=f"/manage/innovations/{record.slug}")
    assert response.status_code == 409
    assert fr("This version is no longer waiting for checking: someone already answered, or the team saved a newer "
              "one. Nothing was changed.") in text(response)
    assert record.status == InnovationStatus.PENDING


def test_asking_for_changes_needs_a_reason_and_keeps_what_was_typed(client, world, mailbox):
    record = world["waiting"]
    sign_in_as(client, world["organiser"])
    empty = post_form(client, f"/manage/innovations/{record.slug}/request-changes",
                      {"changes-number": "2", "changes-reason": "  "}, page=f"/manage/innovations/{record.slug}")
    assert empty.status_code == 422 and fr("Give the reason: the team reads it.") in text(empty)
    response = post_form(client, f"/manage/innovations/{record.slug}/request-changes",
                         {"changes-number": "2", "changes-reason": "Chiffrez le coût par personne."},
                         page=f"/manage/innovations/{record.slug}")
    assert response.status_code == 302
    db.session.expire_all()
    assert records.latest(record).status == VersionStatus.CHANGES_REQUESTED and not record.is_public
    outbox.deliver_pending()
    email = mailbox.to(world["lead"].email)[0]
    body = mailbox.text(email)
    assert "Chiffrez le coût par personne." in body
    assert mailbox.link(email, "/innovations/") == f"/innovations/{record.slug}/edit"


def test_a_refusal_keeps_the_reason_typed(client, world):
    record = world["waiting"]
    sign_in_as(client, world["organiser"])
    response = post_form(client, f"/manage/innovations/{record.slug}/request-changes",
                         {"changes-number": "1", "changes-reason": "Une raison écrite avec soin."},
                         page=f"/manage/innovations/{record.slug}")
    assert response.status_code == 409
    assert "Une raison écrite avec soin." in text(response)


def test_withdrawing_takes_it_out_of_the_catalogue_and_tells_the_team(client, world, mailbox):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    assert _found("conciergerie") == [record.id]
    sign_in_as(client, world["organiser"])
    page = f"/manage/innovations/{record.slug}"
    empty = post_form(client, f"{page}/withdraw", {"withdraw-reason": ""}, page=page)
    assert empty.status_code == 422 and record.is_public
    response = post_form(client, f"{page}/withdraw", {"withdraw-reason": "Le service a fermé en mars."}, page=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert record.status == InnovationStatus.WITHDRAWN and _found("conciergerie") == []
    outbox.deliver_pending()
    [email] = mailbox.to(world["lead"].email)
    assert "Le service a fermé en mars." in mailbox.text(email)
    assert "Le service a fermé en mars." in text(client.get("/manage/innovations"))


def test_the_actions_need_their_token(client, world):
    record = world["waiting"]
    sign_in_as(client, world["organiser"])
    assert client.post(f"/manage/innovations/{record.slug}/approve", data={"number": "2"}).status_code == 400
    assert client.post(f"/manage/innovations/{record.slug}/request-changes",
                       data={"changes-number": "2", "changes-reason": "x"}).status_code == 400
    assert record.status == InnovationStatus.PENDING


def test_the_team_cannot_check_its_own_record(client, world):
    sign_in_as(client, world["lead"])
    assert client.get("/manage/innovations").status_code == 403
    assert post_form(client, f"/manage/innovations/{world['waiting'].slug}/approve", {"number": "2"},
                     page="/").status_code == 403


def test_the_queue_says_when_each_record_was_sent_in_the_feminine(client, world):
    # « Envoyée le » : a record (une fiche) was sent, as the column of dates says.
    sign_in_as(client, world["organiser"])
    table = text(client.get("/manage/innovations")).split('id="waiting-title"')[1].split("</table>")[0]
    assert f"<th scope=\"col\">{fr('Sent for checking on')}</th>" in table
    assert fr("Sent for checking on") == "Envoyée le" and "Envoyé le" not in table


def test_the_checking_page_leads_to_the_record_parrains(client, world):
    sign_in_as(client, world["organiser"])
    page = text(client.get(f"/manage/innovations/{world['waiting'].slug}"))
    status = page.split('id="status"')[1].split("</section>")[0]
    assert (f'<a href="/innovations/{world["waiting"].slug}/parrains">{fr("Assign or remove its parrains")}</a>'
            in status)


def test_the_browser_asks_for_the_withdrawal_reason_before_anything_is_confirmed(client, world):
    record = factories.innovation(call=world["call"], lead=world["lead"])
    sign_in_as(client, world["organiser"])
    page = client.get(f"/manage/innovations/{record.slug}").get_data(as_text=True)
    form = page.split(f'action="/manage/innovations/{record.slug}/withdraw"')[1].split("</form>")[0]
    opening = page.split(f'action="/manage/innovations/{record.slug}/withdraw"')[1].split(">")[0]
    assert "novalidate" not in opening  # the browser checks the form: the reason first, then the confirmation
    assert re.search(r'<textarea[^>]*\brequired\b[^>]*name="withdraw-reason"|<textarea[^>]*name="withdraw-reason"'
                     r'[^>]*\brequired\b', form)
    assert "data-confirm=" in form
