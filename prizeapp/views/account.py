from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from ..enums import CallRoleKind, NotificationMode
from ..extensions import db
from ..forms.account import LanguageForm, PasswordForm, ProfileForm
from ..forms.admin import ConfirmForm
from ..models import Call, CallRole
from ..permissions import can_check_innovations, can_use_account, require
from ..services import accounts, notifications
from ..services.innovations import records
from ..web import safe_next
from .helpers import NO_UNIT, unit_choices, unit_from_choice

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@login_required
def dashboard():
    require(can_use_account(current_user))
    rows = db.session.execute(
        db.select(CallRole.role, Call).join(Call, Call.id == CallRole.call_id)
        .where(CallRole.user_id == current_user.id).order_by(Call.submission_deadline.desc(), Call.title)
    ).all()
    calls_by_role: dict[CallRoleKind, list[Call]] = {role: [] for role in CallRoleKind}
    for role, call in rows:
        calls_by_role[role].append(call)
    checking = can_check_innovations(current_user)
    return render_template(
        "account/dashboard.html", calls_by_role=calls_by_role, my_records=records.records_of_team(current_user),
        to_check=records.waiting(call_ids=records.calls_checked_by(current_user)) if checking else [],
        checking=checking, record_title=records.title_of)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    require(can_use_account(current_user))
    form = ProfileForm(obj=current_user)
    form.unit.choices = unit_choices()
    if request.method == "GET":
        form.unit.data = current_user.unit_id or NO_UNIT
        form.locale.data = current_user.locale.value
        form.notification_mode.data = current_user.notification_mode.value
    if form.validate_on_submit():
        accounts.update_profile(user=current_user, first_name=form.first_name.data,
                                last_name=form.last_name.data, unit=unit_from_choice(form.unit.data),
                                locale=form.locale.data)
        notifications.set_notification_mode(user=current_user,
                                            mode=NotificationMode(form.notification_mode.data))
        db.session.commit()
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form, sessions=accounts.sessions_of(current_user),
                           this_session=current_user.signed_in_session, end_form=ConfirmForm(),
                           device_label=device_label), 400 if form.errors else 200


@bp.route("/sessions/end", methods=["POST"])
@login_required
def end_sessions():
    """Sign out everywhere: every browser where the account is open, this one included."""
    require(can_use_account(current_user))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    accounts.sign_out_everywhere(user=current_user)
    db.session.commit()
    logout_user()
    flash(_("You are signed out on every device. Sign in again to continue."), "success")
    return redirect(url_for("auth.login"))


_BROWSERS = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    """A browser's name and system, enough for a person to recognise their own devices."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    require(can_use_account(current_user))
    form = PasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(user=current_user, current=form.current.data, new=form.password.data):
            db.session.commit()
            logout_user()  # every session ended with the old password: sign in again, here included
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
        form.current.errors.append(_("This is not your current password."))
    return render_template("account/password.html", form=form), 400 if form.errors else 200


@bp.route("/language", methods=["POST"])
def language():
    """The language switch in the header: remembered in the session, and in the profile when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(user=current_user, locale=form.locale.data)
            db.session.commit()
    return redirect(safe_next(url_for("public.index")))
