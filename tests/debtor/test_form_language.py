"""WTForms' own refusals (a required field left empty, a text too long, a date or a number that does
not parse) in the debtor's language, as the forms' own words are: translated when the field
validates (portal.web.forms.PageForm), so a message with a number in it is translated too. The list
of WTForms' messages given to the catalogue (portal/web/wtforms_words.py) follows the installed
WTForms."""
from __future__ import annotations

import html

import pytest
from babel.messages.pofile import read_po
from wtforms import StringField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length

from notices.models import NoticeLanguage
from portal.database import commit
from portal.debtor.responses import MAX_TEXT
from portal.i18n import force_locale
from portal.web.forms import PageForm
from portal.web.wtforms_words import MESSAGES, NOT_SHOWN
from tests.debtor.claims import post_form, served_claim
from tests.debtor.guest import login_guest, signed_notice_record
from tests.offers.world import Room, offer_form

REFUSALS = {
    "hi": {"required": "यह भरना ज़रूरी है।", "too_long": f"इसमें अधिकतम {MAX_TEXT} अक्षर हो सकते हैं।",
           "note_too_long": "इसमें अधिकतम 2000 अक्षर हो सकते हैं।", "date": "यह सही तारीख़ नहीं है।",
           "number": "यह सही संख्या नहीं है।"},
    "en": {"required": "This field is required.", "too_long": f"Field cannot be longer than {MAX_TEXT} characters.",
           "note_too_long": "Field cannot be longer than 2000 characters.", "date": "Not a valid date value.",
           "number": "Not a valid integer value."},
}
ENGLISH = REFUSALS["en"].values()


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def debtor_reading(lang: str):
    """A served claim whose notice is in `lang`, the debtor in through its personal link."""
    _creditor, case = served_claim()
    signed_notice_record(case).language = NoticeLanguage.HINDI if lang == "hi" else NoticeLanguage.ENGLISH
    commit()
    return case


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_an_empty_required_field_and_a_text_too_long_are_refused_in_the_debtors_language(
        client, db_session, outbox, lang):
    case = debtor_reading(lang)
    login_guest(client, case, outbox)
    words = REFUSALS[lang]

    account = post_form(client, f"/d/{case.reference}/account", {
        "name": "Suresh Rao", "email": "debtor@example.in", "password": "", "confirm": ""})
    text = page_text(account)
    assert account.status_code == 422 and f'<html lang="{lang}">' in text
    assert words["required"] in text

    dispute = post_form(client, f"/d/{case.reference}/dispute", {
        "reason": "quality", "explanation": "x" * (MAX_TEXT + 1)})
    text = page_text(dispute)
    assert dispute.status_code == 422 and words["too_long"] in text

    plan = post_form(client, f"/d/{case.reference}/plan", {
        "count": "three", "frequency": "monthly", "first_due": "31/31/2026"})
    text = page_text(plan)
    assert plan.status_code == 422 and words["number"] in text and words["date"] in text
    if lang == "hi":
        assert not [e for e in ENGLISH if e in text]


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_an_offer_in_the_odr_room_is_refused_in_the_debtors_language(app, db_session, outbox, lang):
    room = Room(app)
    room.client("guest", outbox).get(f"/odr/{room.ref}?lang={lang}")   # the switch; the session keeps it
    refused = room.post("guest", "/offers", offer_form("150000", pay_by="not a date", note="n" * 2001))
    text = page_text(refused)
    words = REFUSALS[lang]
    assert refused.status_code == 422 and f'<html lang="{lang}">' in text
    assert words["date"] in text and words["note_too_long"] in text


def test_a_page_form_asks_the_catalogue_of_the_language_in_force(app):
    class Name(PageForm):
        name = StringField("Name", validators=[InputRequired(), Length(min=3, max=5)])

    with app.test_request_context(method="POST", data={"name": "ab"}):
        with force_locale("hi"):
            form = Name(meta={"csrf": False})
            assert not form.validate()
            hindi = form.name.errors
        form = Name(meta={"csrf": False})
        assert not form.validate()
        english = form.name.errors
    assert hindi == ["इसमें 3 से 5 अक्षर होने चाहिए।"]
    assert english == ["Field must be between 3 and 5 characters long."]


def test_the_listed_messages_are_wtforms_own():
    """Every message WTForms may show is listed for the catalogue (or named as never shown), and
    every one listed is still WTForms' own: an upgrade that rewords one fails here, not on a page."""
    with open(f"{messages_path()}/wtforms.pot", "rb") as fh:
        wtforms = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    listed = {m if isinstance(m, str) else m[0] for m in MESSAGES}
    assert listed <= wtforms, listed - wtforms
    assert wtforms - listed == NOT_SHOWN
