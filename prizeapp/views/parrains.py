"""Parrains and marraines: volunteering, the public directory, assigning them to records, their opinion of a
record's readiness, and a parrain's own list of the innovations they sponsor."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..core.territories import REGIONS, departement_label, region_label
from ..enums import Theme
from ..extensions import db
from ..forms.admin import ConfirmForm
from ..forms.parrains import AssignSponsorForm, DirectoryFilterForm, ReadinessForm, SponsorProfileForm
from ..models import Innovation, User
from ..permissions import (
    can_assign_sponsors,
    can_comment_readiness,
    can_volunteer_as_sponsor,
    require,
)
from ..services.innovations import replications, sponsors
from ..services.innovations.sponsors import SponsorError
from ..web import int_arg
from .refusals import Refusals

bp = Blueprint("parrains", __name__)

PAGE_SIZE = 20

REFUSALS = Refusals(SponsorError, {
    "expertise_required": _l("Say what you know and can help with."),
    "unknown_region": _l("Choose a région of the list."),
    "unknown_departement": _l("Choose a département of the list."),
    "departement_not_in_region": _l("This département is not in the région you chose: change one of them, or "
                                    "leave the région empty."),
    "not_a_volunteer": _l("This person is not a parrain or marraine (or no longer is): only active parrains can "
                          "be assigned."),
    "withdrawn": _l("This record is withdrawn from the catalogue: parrains can no longer be assigned to it."),
    "own_team": _l("This person is in the team of the innovation: they cannot be its parrain."),
    "already_assigned": _l("This person is already a parrain of this innovation."),
    "not_assigned": _l("This person is not a parrain of this innovation."),
    "opinion_required": _l("Choose your opinion."),
    "missing_required": _l("Say what is missing before another territory can take it up."),
    "not_active": _l("You stopped being a parrain: volunteer again from your parrain page to give an opinion."),
}, default=_l("This change is not possible (%(code)s)."))

# The form field a refusal is about, to show it beside that field.
PROFILE_FIELDS = {"expertise_required": "expertise", "unknown_region": "region_code",
                  "unknown_departement": "departement_code", "departement_not_in_region": "departement_code"}
READINESS_FIELDS = {"opinion_required": "opinion", "missing_required": "body"}


@bp.context_processor
def _sponsor_helpers() -> dict:
    return {"region_label": region_label, "departement_label": departement_label,
            "theme_label": _theme_label, "sponsor_organisation": sponsors.organisation_of}


def _theme_label(value: str) -> str:
    try:
        return str(Theme(value).label)
    except ValueError:
        return value


def _innovation_or_404(slug: str, rule: Callable[[Any, Innovation], bool]) -> Innovation:
    innovation = db.first_or_404(db.select(Innovation).where(Innovation.slug == slug))
    require(rule(current_user, innovation))
    return innovation


def _refuse(form, error: SponsorError, fields: dict[str, str]) -> None:
    """Each reason beside its field when it has one, else at the top of the form."""
    for code in error.codes:
        sentence = REFUSALS.sentence(code, error.params)
        if code in fields:
            getattr(form, fields[code]).errors = [*getattr(form, fields[code]).errors, sentence]
        else:
            form.form_errors.append(sentence)


# --- volunteering ----------------------------------------------------------------------------------------

@bp.route("/account/parrain", methods=["GET", "POST"])
@login_required
def volunteer():
    require(can_volunteer_as_sponsor(current_user))
    profile = sponsors.profile_of(current_user)
    form = SponsorProfileForm(obj=profile) if request.method == "GET" and profile else SponsorProfileForm()
    if request.method == "GET" and profile is None:
        form.listed.data = True
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            was_active = profile is not None and profile.active
            try:
                sponsors.save_profile(user=current_user, expertise=form.expertise.data or "",
                                      themes=form.themes.data or [], region_code=form.region_code.data or "",
                                      departement_code=form.departement_code.data or "",
                                      availability=form.availability.data or "", listed=form.listed.data)
            except SponsorError as error:
                db.session.rollback()
                _refuse(form, error, PROFILE_FIELDS)
                status = 422
            else:
                db.session.commit()
                flash(_("Your parrain profile is saved.") if was_active else
                      _("Thank you: you are now a parrain or marraine. The organisers can assign you to "
                        "innovations; you will be told by email."), "success")
                return redirect(url_for("parrains.volunteer"))
        else:
            status = 400
    return render_template("parrains/volunteer.html", form=form, profile=profile, stop_form=ConfirmForm(),
                           organisation=sponsors.organisation_of(current_user)), status


@bp.route("/account/parrain/stop", methods=["POST"])
@login_required
def stop():
    require(can_volunteer_as_sponsor(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sponsors.stop(user=current_user)
    except SponsorError as error:
        db.session.rollback()
        flash(REFUSALS.say(error), "error")
        return redirect(url_for("parrains.volunteer"))
    db.session.commit()
    flash(_("You are no longer a parrain: you have left the directory and will receive no more emails about "
            "the innovations you sponsored. Save your profile again to come back."), "success")
    return redirect(url_for("parrains.volunteer"))


@bp.route("/account/parrain/innovations")
@login_required
def mine():
    require(can_volunteer_as_sponsor(current_user))
    sponsorships = sponsors.sponsorships_of(current_user)
    since = replications.statuses_since(r for sponsorship in sponsorships for r in sponsorship.replications)
    return render_template("parrains/mine.html", sponsorships=sponsorships, since=since,
                           profile=sponsors.profile_of(current_user))


# --- the directory ---------------------------------------------------------------------------------------

@bp.route("/parrains")
def directory():
    filters = DirectoryFilterForm(request.args)
    theme = filters.theme.data if filters.theme.data in {t.value for t in Theme} else None
    region = filters.region.data if filters.region.data in REGIONS else None
    page = db.paginate(sponsors.directory(theme=theme, region_code=region), page=int_arg("page", 1),
                       per_page=PAGE_SIZE, error_out=False)
    return render_template("parrains/directory.html", filters=filters, page=page, theme=theme, region=region,
                           sponsored=sponsors.sponsored_public([profile.user_id for profile in page.items]))


# --- assigning parrains to a record -----------------------------------------------------------------------

def _candidate_label(candidate: sponsors.Candidate) -> str:
    parts = [candidate.user.full_name]
    organisation = sponsors.organisation_of(candidate.user)
    if organisation:
        parts.append(organisation)
    if candidate.profile.region_code:
        parts.append(region_label(candidate.profile.region_code))
    return " – ".join(parts)


def _candidate_choices(found: list[sponsors.Candidate]) -> list[SelectChoice]:
    suggested, others = str(_("Suggested: same theme or région")), str(_("Other parrains"))
    return [SelectChoice(0, _("— Choose —"))] + [
        SelectChoice(c.user.id, _candidate_label(c), optgroup=suggested if c.suggested else others) for c in found]


@bp.route("/innovations/<slug>/parrains", methods=["GET", "POST"])
@login_required
def assign(slug: str):
    innovation = _innovation_or_404(slug, can_assign_sponsors)
    form = AssignSponsorForm()
    found = sponsors.candidates(innovation)
    form.sponsor.choices = _candidate_choices(found)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            sponsor = db.get_or_404(User, form.sponsor.data)
            try:
                sponsors.assign(innovation=innovation, sponsor=sponsor, actor=current_user)
            except SponsorError as error:
                db.session.rollback()
                form.form_errors.append(REFUSALS.say(error))
                status = 409
            else:
                db.session.commit()
                flash(_("%(name)s is now a parrain of this innovation, and is told by email.",
                        name=sponsor.full_name), "success")
                return redirect(url_for("parrains.assign", slug=innovation.slug))
        else:
            status = 400
    return render_template("parrains/assign.html", innovation=innovation, title=sponsors.title_of(innovation),
                           form=form, found=found, assigned=sponsors.assigned(innovation),
                           remove_form=ConfirmForm()), status


@bp.route("/innovations/<slug>/parrains/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(slug: str, user_id: int):
    innovation = _innovation_or_404(slug, can_assign_sponsors)
    sponsor = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sponsors.remove(innovation=innovation, sponsor=sponsor, actor=current_user)
    except SponsorError as error:
        db.session.rollback()
        flash(REFUSALS.say(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s is no longer a parrain of this innovation.", name=sponsor.full_name), "success")
    return redirect(url_for("parrains.assign", slug=innovation.slug))


# --- a parrain's opinion of the record's readiness ----------------------------------------------------------

@bp.route("/innovations/<slug>/readiness", methods=["GET", "POST"])
@login_required
def readiness(slug: str):
    innovation = _innovation_or_404(slug, can_comment_readiness)
    form = ReadinessForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                sponsors.comment_readiness(innovation=innovation, actor=current_user, opinion=form.opinion.data,
                                           body=form.body.data or "")
            except SponsorError as error:
                db.session.rollback()
                _refuse(form, error, READINESS_FIELDS)
                status = 422
            else:
                db.session.commit()
                flash(_("Your opinion is saved and sent to the team."), "success")
                return redirect(url_for("parrains.readiness", slug=innovation.slug))
        else:
            status = 400
    return render_template("parrains/readiness.html", innovation=innovation, title=sponsors.title_of(innovation),
                           form=form, comments=sponsors.readiness_comments(innovation)), status
