from __future__ import annotations

import math
from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db
from ..formatting import duration
from ..forms.admin import ConfirmForm
from ..forms.auth import LoginForm, RegisterForm, ResendConfirmationForm, ResetPasswordForm, ResetRequestForm
from ..services import accounts
from ..web import is_safe_redirect, safe_next
from .helpers import client_ip, unit_choices, unit_from_choice

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("account.dashboard"))
    form = RegisterForm()
    form.unit.choices = unit_choices()
    if request.method == "GET":
        form.locale.data = request.args.get("lang") or _current_locale()
    if form.validate_on_submit():
        accounts.register(
            email=form.email.data,
            password=form.password.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            locale=form.locale.data,
            unit=unit_from_choice(form.unit.data),
            next_url=safe_next("") or None,
        )
        db.session.commit()
        # Same page whether or not the address already had an account.
        return redirect(url_for("auth.check_email", email=accounts.normalise_email(form.email.data)))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/register/check-email")
def check_email():
    return render_template("auth/check_email.html", email=request.args.get("email", ""))


@bp.route("/confirm/<token>")
def confirm(token: str):
    try:
        user = accounts.confirm_email(token=token)
    except accounts.TokenError as error:
        db.session.rollback()
        return render_template("auth/token_problem.html", reason=error.code, purpose="confirm"), 400
    db.session.commit()
    flash(_("Your email address is confirmed. You can sign in."), "success")
    following = accounts.confirmation_next(token)
    if following and is_safe_redirect(following, request.host_url):
        return redirect(url_for("auth.login", email=user.email, next=following))
    return redirect(url_for("auth.login", email=user.email))


@bp.route("/confirm/resend", methods=["GET", "POST"])
def resend_confirmation():
    form = ResendConfirmationForm()
    if form.validate_on_submit():
        accounts.resend_confirmation(email=form.email.data)
        db.session.commit()
        return redirect(url_for("auth.check_email", email=accounts.normalise_email(form.email.data)))
    return render_template("auth/resend_confirmation.html", form=form), 400 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(url_for("account.dashboard")))
    form = LoginForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    status = 200
    if form.validate_on_submit():
        try:
            attempt = accounts.reserve_login_attempt(email=form.email.data, ip=client_ip())
        except accounts.RateLimited as limited:
            db.session.rollback()
            wait = timedelta(minutes=max(1, math.ceil(limited.retry_after.total_seconds() / 60)))
            form.form_errors.append(_("Too many failed attempts. Try again in %(duration)s, or reset "
                                      "your password.", duration=duration(wait)))
            return render_template("auth/login.html", form=form, locked=True), 429
        db.session.commit()  # the attempt counts before the password is checked
        result = accounts.authenticate(attempt=attempt, password=form.password.data)
        if result.reason == "ok":
            accounts.open_session(user=result.user, remember=form.remember.data,
                                  user_agent=request.headers.get("User-Agent", ""))
        db.session.commit()
        if result.reason == "ok":
            login_user(result.user, remember=form.remember.data)
            flash(_("Welcome, %(name)s.", name=result.user.first_name), "success")
            return redirect(safe_next(url_for("account.dashboard")))
        if result.reason == "unconfirmed":
            # The password was right: telling the owner about their own account reveals nothing.
            return redirect(url_for("auth.unconfirmed", email=result.user.email))
        form.form_errors.append(_("Wrong email address or password."))
        status = 401
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/login/unconfirmed")
def unconfirmed():
    form = ResendConfirmationForm(email=request.args.get("email", ""))
    return render_template("auth/unconfirmed.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        accounts.end_session(user=current_user)
        db.session.commit()
        logout_user()
        flash(_("You are signed out."), "success")
    return redirect(url_for("public.index"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.request_password_reset(email=form.email.data)
        db.session.commit()
        return render_template("auth/reset_sent.html", email=accounts.normalise_email(form.email.data))
    return render_template("auth/reset_request.html", form=form), 400 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    try:
        accounts.user_for_reset_token(token)
    except accounts.TokenError as error:
        return render_template("auth/token_problem.html", reason=error.code, purpose="reset"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(token=token, password=form.password.data, ip=client_ip())
        db.session.commit()
        logout_user()
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login", email=user.email))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


def _current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fr")
