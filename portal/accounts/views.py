"""Sign-in, sign-up, two-factor, invitations and password reset pages. Thin: parse, call, render."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from portal.accounts import services, twofactor
from portal.accounts.forms import (AcceptInvitationForm, InviteForm, LoginForm, ResetPasswordForm,
                                   ResetRequestForm, SecondFactorForm, SignupForm, TotpConfirmForm)
from portal.accounts.models import EnterpriseCategory, Invitation, User
from portal.accounts.policy import Action, require
from portal.accounts.roles import Role
from portal.cases.states import DomainError
from portal.database import commit
from portal.extensions import db, limiter
from portal.urls import safe_next

bp = Blueprint("accounts", __name__)
_PENDING = "pending_2fa_user"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login-email:" + services.normalize_email(request.form.get("email", ""))


def _pending_key() -> str:
    return f"login-2fa:{session.get(_PENDING)}"


def _finish_login(user: User):
    session.pop(_PENDING, None)
    session.pop("_next", None)
    login_user(user)
    services.record_login(user)
    commit()
    if user.needs_totp_setup:
        flash("Your role requires two-factor authentication. Set it up to continue.", "info")
        return redirect(url_for("accounts.totp_setup"))
    return redirect(safe_next(request.args.get("next")) or url_for("web.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_email_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("That e-mail and password do not match an account.")
        elif user.totp_enabled:
            session[_PENDING] = user.id
            commit()
            return redirect(url_for("accounts.login_2fa", next=request.args.get("next")))
        else:
            return _finish_login(user)
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 422


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(_login_limit, key_func=_pending_key, methods=["POST"])
def login_2fa():
    user_id = session.get(_PENDING)
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if twofactor.verify_second_factor(user, form.code.data):
            return _finish_login(user)
        form.code.errors.append("That code is not valid or was already used.")
    return render_template("accounts/login_2fa.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        org = services.OrgDetails(
            legal_name=form.legal_name.data.strip(), address=form.address.data.strip(),
            gstin=form.gstin.data, pan=form.pan.data or (form.gstin.data or "")[2:12] or None,
            udyam_number=form.udyam_number.data, udyam_registered_on=form.udyam_registered_on.data,
            enterprise_category=EnterpriseCategory(form.enterprise_category.data)
            if form.enterprise_category.data else None,
            upi_vpa=form.upi_vpa.data)
        person = services.PersonDetails(name=form.name.data, email=form.email.data,
                                        password=form.password.data, phone=form.phone.data)
        try:
            user = services.sign_up(org, person)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(f"Welcome to Sulah, {user.name}.", "success")
            return _finish_login(user)
    return render_template("accounts/signup.html", form=form), 200 if not form.errors else 422


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
def totp_setup():
    user = current_user
    if user.totp_enabled:
        return render_template("accounts/totp_enabled.html")
    twofactor.start_setup(user)
    commit()
    form = TotpConfirmForm()
    if form.validate_on_submit():
        codes = twofactor.confirm_setup(user, form.code.data)
        if codes is not None:
            from portal import audit

            audit.record("user.totp_enabled", actor=user, payload={})
            commit()
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors.append("That code did not match. Check the time on your phone and retry.")
    uri = twofactor.provisioning_uri(user)
    return render_template("accounts/totp_setup.html", form=form, secret=user.totp_secret,
                           qr=twofactor.qr_svg(uri)), 200 if not form.errors else 422


@bp.route("/team", methods=["GET", "POST"])
@login_required
def team():
    require(current_user, Action.MANAGE_ORG)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite(current_user, form.email.data, Role(form.role.data))
            commit()
        except DomainError as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            flash(f"Invitation sent to {form.email.data}.", "success")
            return redirect(url_for("accounts.team"))
    org = current_user.organization
    invites = db.session.scalars(select(Invitation).where(Invitation.org_id == org.id)
                                 .order_by(Invitation.created_at.desc())).all()
    return render_template("accounts/team.html", form=form, org=org, invitations=invites,
                           advocates=[e.advocate for e in org_engagements(org.id)]), \
        200 if not form.errors else 422


def org_engagements(org_id: int):
    from portal.accounts.models import Engagement

    return db.session.scalars(select(Engagement).where(Engagement.org_id == org_id)).all()


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def accept_invitation(token: str):
    inv = services.find_invitation(token)
    if inv is None:
        abort(404, "This invitation has expired or was already used. Ask for a new one.")
    if current_user.is_authenticated:
        logout_user()
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        person = services.PersonDetails(name=form.name.data, email=inv.email,
                                        password=form.password.data, phone=form.phone.data)
        try:
            user = services.accept_invitation(
                token, person, enrolment_number=(form.enrolment_number.data or "").strip() or None,
                bar_council_state=(form.bar_council_state.data or "").strip() or None)
        except DomainError as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            return _finish_login(user)
    return render_template("accounts/accept_invitation.html", form=form, invitation=inv), \
        200 if not form.errors else 422


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        commit()
        flash("If that address has an account, we have e-mailed a reset link. "
              "It works once, within the hour.", "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form), 200 if not form.errors else 422


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        abort(404, "This reset link has expired or was already used. Ask for a new one.")
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        commit()
        flash("Your password has been changed. Please log in.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 200 if not form.errors else 422
