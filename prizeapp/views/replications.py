"""Replications: asking to take an innovation up, the timeline the repreneur, the team and the parrains share
(messages, the repreneur's status), and the list of the replications a person follows."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..core import territories
from ..enums import ReplicationStatus
from ..extensions import db
from ..forms.replications import ReplicationMessageForm, ReplicationRequestForm, ReplicationStatusForm
from ..labels import label
from ..models import Innovation, Replication
from ..permissions import (
    can_contact_repreneur,
    can_follow_replication,
    can_request_replication,
    can_update_replication,
    can_write_on_replication,
    require,
)
from ..services.innovations import replications, sponsors
from ..services.innovations.replications import ReplicationError, Territory
from .refusals import Refusals

bp = Blueprint("replications", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {"departement_label": territories.departement_label, "region_label": territories.region_label,
            "unsaid_codes": territories.unsaid_codes, "beside_name": territories.beside_name}

REFUSALS = Refusals(ReplicationError, {
    "not_public": _l("This innovation is not in the catalogue (any more): it cannot be taken up."),
    "own_team": _l("This innovation is your team's: you cannot ask to take it up."),
    "already_requested": _l("You already asked to take this innovation up: follow your request on its timeline."),
    "organisation_required": _l("Enter the name of your organisation."),
    "motivation_required": _l("Say why you want to take this innovation up."),
    "territory_name_required": _l("Enter the territory where you would take it up."),
    "departement_required": _l("Choose a département."),
    "unknown_departement": _l("Choose a département from the list."),
    "unknown_region": _l("Choose a région from the list."),
    "departement_not_in_region": _l("This département is not in the région chosen: change one of them, or leave "
                                    "the région as it is."),
    "bad_commune_code": _l("This is not a commune's INSEE code: 5 characters, such as 35238 (Rennes) or 2A004 "
                           "(Ajaccio). The postcode is something else."),
    "commune_not_in_departement": _l("This commune is not in the département chosen."),
    "message_required": _l("Write your message."),
    "already_abandoned": _l("This replication is abandoned: its status can no longer change."),
    "reason_required": _l("Say why the replication is abandoned: the reason is required."),
    "backward": lambda p: _("A replication does not go back: it is at the step “%(status)s”. Choose this step or "
                            "a later one, or abandoned.", status=label(ReplicationStatus(p["status"]))),
    "nothing_changed": _l("Nothing has changed: choose another step, or change what you adapted or your "
                          "results."),
})

STATUS_FIELDS = {"reason_required": "note", "backward": "status", "already_abandoned": "status",
                 "nothing_changed": "status"}


def _refused(form, error: ReplicationError, fields: dict[str, str]) -> None:
    """Each reason beside its field when it has one, else at the top of the form."""
    for code in error.codes:
        sentence = REFUSALS.sentence(code, error.params)
        name = fields.get(code)
        if name is not None:
            form[name].errors = [*form[name].errors, sentence]
        else:
            form.form_errors.append(sentence)


# --- asking to take an innovation up -------------------------------------------------------------------------

def _innovation_or_404(slug: str) -> Innovation:
    return db.first_or_404(db.select(Innovation).where(Innovation.slug == slug))


@bp.route("/innovations/<slug>/replicate", methods=["GET", "POST"])
@login_required
def request_replication(slug: str):
    innovation = _innovation_or_404(slug)
    require(can_request_replication(current_user, innovation))
    existing = replications.open_request_of(innovation, current_user)
    form = ReplicationRequestForm()
    status = 200
    if not form.is_submitted():
        form.organisation.data = sponsors.organisation_of(current_user)
    elif form.validate():
        territory = Territory(name=form.territory_name.data, commune_code=form.commune_code.data or "",
                              departement_code=form.departement_code.data, region_code=form.region_code.data,
                              kind=form.territory_kind_value())
        try:
            replication = replications.request(innovation=innovation, requester=current_user,
                                               organisation=form.organisation.data, territory=territory,
                                               motivation=form.motivation.data)
        except ReplicationError as error:
            db.session.rollback()
            _refused(form, error, replications.TERRITORY_FIELDS)
            status = 409 if error.code in ("already_requested", "not_public", "own_team") else 422
        else:
            db.session.commit()
            flash(_("Your request is sent to the innovation's team and parrains. They answer you here, on its "
                    "timeline, and by email."), "success")
            return redirect(url_for("replications.timeline", replication_id=replication.id))
    else:
        status = 400
    return render_template("replications/request.html", innovation=innovation, form=form, existing=existing,
                           title=_innovation_title(innovation)), status


def _innovation_title(innovation: Innovation) -> str:
    return innovation.title or _("Untitled innovation")


# --- the timeline --------------------------------------------------------------------------------------------

def _replication_or_404(replication_id: int, rule) -> Replication:
    replication = db.get_or_404(Replication, replication_id)
    require(rule(current_user, replication))
    return replication


def _status_choices(statuses) -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in statuses]


def _status_form(replication: Replication) -> ReplicationStatusForm:
    form = ReplicationStatusForm(formdata=None, status=replication.status.value, variant=replication.variant,
                                 results=replication.results)
    form.status.choices = _status_choices(replications.allowed_statuses(replication))
    return form


def _render_timeline(replication: Replication, *, message_form: ReplicationMessageForm | None = None,
                     status_form: ReplicationStatusForm | None = None, status: int = 200):
    parties = replications.parties_of(replication)
    updatable = can_update_replication(current_user, replication)
    return render_template(
        "replications/timeline.html", replication=replication, innovation=replication.innovation,
        title=_innovation_title(replication.innovation), parties=parties, events=replications.timeline(replication),
        steps=replications.STEPS, sees_contact=can_contact_repreneur(current_user, replication),
        message_form=(message_form if message_form is not None else ReplicationMessageForm(formdata=None))
        if can_write_on_replication(current_user, replication) else None,
        status_form=status_form if status_form is not None else (
            _status_form(replication) if updatable and replications.allowed_statuses(replication) else None),
    ), status


@bp.route("/replications/<int:replication_id>")
@login_required
def timeline(replication_id: int):
    return _render_timeline(_replication_or_404(replication_id, can_follow_replication))


@bp.route("/replications/<int:replication_id>/messages", methods=["POST"])
@login_required
def message(replication_id: int):
    replication = _replication_or_404(replication_id, can_write_on_replication)
    form = ReplicationMessageForm()
    if not form.validate_on_submit():
        return _render_timeline(replication, message_form=form, status=400)
    try:
        replications.post_message(replication=replication, author=current_user, body=form.body.data)
    except ReplicationError as error:
        db.session.rollback()
        _refused(form, error, {"message_required": "body"})
        return _render_timeline(replication, message_form=form, status=422)
    db.session.commit()
    flash(_("Your message is posted; the others who follow this replication receive it by email."), "success")
    return redirect(url_for("replications.timeline", replication_id=replication.id, _anchor="events"))


@bp.route("/replications/<int:replication_id>/status", methods=["POST"])
@login_required
def status(replication_id: int):
    replication = _replication_or_404(replication_id, can_update_replication)
    form = ReplicationStatusForm()
    # Any status is read; which move is allowed is the service's to say (and to explain).
    form.status.choices = _status_choices(ReplicationStatus)
    valid = form.validate_on_submit()
    form.status.choices = _status_choices(replications.allowed_statuses(replication))
    if not valid:
        return _render_timeline(replication, status_form=form, status=400)
    try:
        moved = replications.change_status(replication=replication, actor=current_user,
                                           status=ReplicationStatus(form.status.data), note=form.note.data or "",
                                           variant=form.variant.data or "", results=form.results.data or "")
    except ReplicationError as error:
        db.session.rollback()
        _refused(form, error, STATUS_FIELDS)
        return _render_timeline(replication, status_form=form, status=422)
    db.session.commit()
    if moved:
        flash(_("The replication is now “%(status)s”. The innovation's team and parrains are told.",
                status=label(replication.status)), "success")
    else:
        flash(_("What you adapted and your results are saved."), "success")
    return redirect(url_for("replications.timeline", replication_id=replication.id))


# --- my replications -----------------------------------------------------------------------------------------

@bp.route("/replications")
@login_required
def mine():
    return render_template("replications/mine.html", followed=replications.followed_by(current_user))
