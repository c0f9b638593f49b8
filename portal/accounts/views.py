"""Sign-in, sign-up, two-factor, invitations and password reset pages. Thin: parse, call, render."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts import services, twofactor
from portal.accounts.forms import (
    AcceptInvitationForm,
    InviteForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SecondFactorForm,
    SignupForm,
    TotpConfirmForm,
)
from portal.accounts.hooks import team_page_parts
from portal.accounts.models import Engagement, EnterpriseCategory, Invitation, User
from portal.accounts.policy import Action, require
from portal.accounts.roles import Role
from portal.errors import DomainError, NotPermitted
from portal.extensions import db, limiter
from portal.i18n import N_, SESSION_CHOICE, gettext
from portal.urls import safe_next
from portal.web.boundary import attempt, keep_changes

bp = Blueprint("accounts", __name__)
_PENDING = "pending_2fa_user"
_PENDING_AT = "pending_2fa_at"
# How long the password step stays good while the user fetches their second factor.
PENDING_2FA_SECONDS = 5 * 60


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    # Per account, whatever the IP: spreading guesses over many addresses does not help.
    return "login-email:" + services.normalize_email(request.form.get("email", ""))


def _pending_key() -> str:
    return f"login-2fa:{session.get(_PENDING)}"


def _status(form) -> int:
    return 422 if form.errors else 200


def _pending_user() -> User | None:
    user_id, since = session.get(_PENDING), session.get(_PENDING_AT)
    if not isinstance(user_id, int) or not isinstance(since, int | float):
        return None
    if time.time() - since > PENDING_2FA_SECONDS:
        return None
    user = db.session.get(User, user_id)
    return user if user is not None and user.active else None


def _fresh_session() -> None:
    """Empty the session but for the messages still to show and the page language chosen."""
    kept = {key: session[key] for key in ("_flashes", SESSION_CHOICE) if session.get(key)}
    session.clear()
    session.update(kept)


def _finish_login(user: User):
    target = safe_next(request.args.get("next"))
    # A fresh session for the signed-in user: nothing carried over from before (pending steps,
    # an old CSRF token, a session planted by someone else) except the messages to show and the
    # language the reader chose with the switch.
    _fresh_session()
    login_user(user)
    services.record_login(user)
    if user.needs_totp_setup:
        flash(gettext("Your role requires two-factor authentication. Set it up to continue."), "info")
        return redirect(url_for("accounts.totp_setup"))
    return redirect(target or url_for("web.dashboard"))


# Every POST counts, not only failures: a counted hit is atomic, so parallel guesses cannot
# slip past the limit the way a check-then-deduct would let them.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_email_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.InactiveAccount as exc:
            form.form_errors.append(str(exc))
            user = None
        else:
            if user is None:
                form.form_errors.append(gettext("That e-mail and password do not match an account."))
        if user is not None and user.totp_enabled:
            # The redirect commits a password rehash, if argon2's parameters changed.
            session[_PENDING], session[_PENDING_AT] = user.id, int(time.time())
            return redirect(url_for("accounts.login_2fa", next=safe_next(request.args.get("next"))))
        if user is not None:
            return _finish_login(user)
    return render_template("accounts/login.html", form=form), _status(form)


@bp.route("/login/2fa", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_pending_key, methods=["POST"])
def login_2fa():
    user = _pending_user()
    if user is None:
        flash(gettext("Please log in again."), "info")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if twofactor.verify_second_factor(user, form.code.data):
            return _finish_login(user)
        # A 422: nothing of the refused try is kept (a wrong code claims no time-step); the
        # attempts are counted by the rate limits above.
        form.code.errors.append(gettext("That code is not valid or was already used. "
                                        "Enter the current code from your app, or an unused recovery code."))
    return render_template("accounts/login_2fa.html", form=form), _status(form)


@bp.post("/logout")
def logout():
    logout_user()
    _fresh_session()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        org = services.OrgDetails(
            legal_name=form.legal_name.data.strip(), address=form.address.data.strip(),
            gstin=form.gstin.data, pan=form.pan.data,
            udyam_number=form.udyam_number.data, udyam_registered_on=form.udyam_registered_on.data,
            enterprise_category=EnterpriseCategory(form.enterprise_category.data)
            if form.enterprise_category.data else None,
            upi_vpa=form.upi_vpa.data)
        person = services.PersonDetails(name=form.name.data, email=form.email.data,
                                        password=form.password.data, phone=form.phone.data)
        user = attempt(lambda: services.sign_up(org, person), form.form_errors)
        if user is not None:
            flash(gettext("Welcome to Sulah, %(name)s.", name=user.name), "success")
            return _finish_login(user)
    return render_template("accounts/signup.html", form=form), _status(form)


@bp.route("/account/2fa", methods=["GET", "POST"])
@login_required
def totp_setup():
    user = current_user
    if user.totp_enabled:
        return render_template("accounts/totp_enabled.html")
    if twofactor.start_setup(user):
        keep_changes()  # the secret the page shows is kept, even when the answer is a wrong code's 422
    form = TotpConfirmForm()
    if form.validate_on_submit():
        codes = twofactor.confirm_setup(user, form.code.data)
        if codes is not None:
            return render_template("accounts/recovery_codes.html", codes=codes)
        form.code.errors.append(gettext("That code did not match. Check the time on your phone and retry."))
    uri = twofactor.provisioning_uri(user)
    return render_template("accounts/totp_setup.html", form=form, secret=user.totp_secret,
                           qr=twofactor.qr_svg(uri)), _status(form)


@bp.route("/team", methods=["GET", "POST"])
@login_required
def team():
    require(current_user, Action.MANAGE_ORG)
    form = InviteForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data)
        invitation = attempt(lambda: services.invite(current_user, email, Role(form.role.data)),
                             form.email.errors)
        if not form.email.errors:  # invite() returns None when it engaged an existing advocate
            flash(gettext("Invitation sent to %(email)s.", email=email) if invitation is not None else
                  gettext("%(email)s already has a Sulah advocate account and is now engaged by your "
                          "organisation.", email=email), "success")
            return redirect(url_for("accounts.team"))
    return render_team(form), _status(form)


def _member(user_id: int) -> User:
    require(current_user, Action.MANAGE_ORG)
    member = services.colleague(current_user, user_id)
    if member is None:
        abort(404)
    return member


def _change_member(user_id: int, change, done: str):
    """Switch a colleague's access off or on; a refusal (their own, the last administrator) is
    shown on the Team page beside the colleague, with 409. `done` is a message with %(name)s."""
    member = _member(user_id)
    try:
        with db.session.begin_nested():
            said = change(current_user, member) or []
    except NotPermitted:
        raise
    except DomainError as exc:
        return render_team(member_error=(user_id, str(exc))), 409
    flash(" ".join([gettext(done, name=member.name), *said]), "success")
    return redirect(url_for("accounts.team"))


@bp.route("/team/members/<int:user_id>/switch-off", methods=["POST"])
@login_required
def switch_off_member(user_id: int):
    return _change_member(user_id, services.switch_off,
                          N_("%(name)s's access is switched off: they can no longer sign in, and any session "
                             "of theirs has ended."))


@bp.route("/team/members/<int:user_id>/switch-on", methods=["POST"])
@login_required
def switch_on_member(user_id: int):
    return _change_member(user_id, services.switch_on, N_("%(name)s can sign in again."))


def render_team(form: InviteForm | None = None, *, mandate_error: tuple[int, str] | None = None,
                member_error: tuple[int, str] | None = None) -> str:
    """The Team page; `mandate_error`: (advocate id, message) after a refused mandate acceptance;
    `member_error`: (colleague's user id, message) after a refused switch off or on."""
    org = current_user.organization
    invites = db.session.scalars(select(Invitation).where(Invitation.org_id == org.id)
                                 .order_by(Invitation.created_at.desc())).all()
    engagements = db.session.scalars(select(Engagement).where(Engagement.org_id == org.id)
                                     .options(joinedload(Engagement.advocate))).all()
    advocates = [e.advocate for e in engagements]
    return render_template("accounts/team.html", form=form or InviteForm(formdata=None), org=org,
                           invitations=invites, advocates=advocates, mandate_error=mandate_error,
                           member_error=member_error,
                           **team_page_parts.collect(current_user, org, advocates))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def accept_invitation(token: str):
    inv = services.find_invitation(token)
    if inv is None:
        abort(404, services.INVITATION_GONE)
    form = AcceptInvitationForm(advocate=inv.role == Role.ADVOCATE)
    if form.validate_on_submit():
        person = services.PersonDetails(name=form.name.data, email=inv.email,
                                        password=form.password.data, phone=form.phone.data)
        user = attempt(lambda: services.accept_invitation(
            token, person, enrolment_number=form.enrolment_number.data,
            bar_council_state=form.bar_council_state.data), form.form_errors)
        if user is not None:
            # Whoever was signed in on this browser is replaced by the new account.
            logout_user()
            return _finish_login(user)
    return render_template("accounts/accept_invitation.html", form=form, invitation=inv), \
        _status(form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(gettext("If that address has an account, we have e-mailed a reset link. "
                      "It works once, within %(minutes)s minutes.", minutes=services.reset_minutes()), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form), _status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def reset_password(token: str):
    if services.user_for_reset_token(token) is None:
        abort(404, services.RESET_GONE)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        flash(gettext("Your password has been changed. Please log in."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), _status(form)
