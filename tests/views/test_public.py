"""The home page lists published calls in the phase the dates put them in."""
from datetime import timedelta

from markupsafe import escape

from prizeapp.enums import CallPhase
from prizeapp.extensions import db
from prizeapp.models.types import utcnow

from .. import factories
from ..conftest import counted_queries


def test_home_shows_the_phase_in_force_and_hides_drafts(client):
    late = factories.call(title="Appel dont la date limite est passée")
    late.opens_at, late.submission_deadline = utcnow() - timedelta(days=10), utcnow() - timedelta(hours=1)
    factories.call(title="Brouillon secret", phase=CallPhase.DRAFT)
    db.session.commit()

    html = client.get("/").get_data(as_text=True)

    assert "Appel dont la date limite est passée" in html
    assert "Brouillon secret" not in html
    with client.application.test_request_context():
        from flask_babel import force_locale

        with force_locale("fr"):
            review, open_ = str(CallPhase.REVIEW.label), str(CallPhase.OPEN.label)
    assert str(escape(review)) in html and str(escape(open_)) not in html


def test_home_page_queries_do_not_grow_with_the_number_of_calls(client):
    ministry = factories.unit(name="Ministère")

    def count_queries() -> int:
        with counted_queries() as statements:
            assert client.get("/").status_code == 200
        return len(statements)

    factories.call().owner_unit = factories.unit(parent=ministry)
    db.session.commit()
    with_one = count_queries()
    for _ in range(5):
        factories.call().owner_unit = factories.unit(parent=ministry)
    db.session.commit()
    assert count_queries() == with_one
