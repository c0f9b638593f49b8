"""One money parser (issue 18, item 4): forms, the JSON API, imports and bids refuse the same
inputs with the same words, and never round silently."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from portal.money import PAISA, MoneyInvalid, parse_amount
from tests.cases.test_intake import api_body, counts
from tests.conftest import csrf_from


@pytest.mark.parametrize("raw,expected", [
    ("340000", "340000.00"), ("3,40,000.50", "340000.50"), ("100.550", "100.55"), ("0007", "7.00"), ("340,000.5", "340000.50"),
    ("₹ 45,000", "45000.00"), ("Rs. 100", "100.00"), ("INR 12,34,56,789.10", "123456789.10"),
    (12, "12.00"), (Decimal("45000.5"), "45000.50"), ("0", "0.00"), ("  7.25 ", "7.25"),
])
def test_amounts_people_write_are_read_exactly(raw, expected):
    assert parse_amount(raw) == Decimal(expected)


@pytest.mark.parametrize("raw,message", [
    ("100.555", "at most two decimal places"),
    ("1e9", "not with an exponent"), (Decimal("1E+9"), "not with an exponent"), ("2.5E3", "not with an exponent"),
    ("1,00,0", "commas"), ("34,00,00", "commas"), (",100", "commas"),
    ("-5", "cannot be negative"), ("ten", "written in digits"), ("NaN", "written in digits"),
    ("Infinity", "written in digits"), ("", "missing"), (None, "missing"), (True, "missing"),
    (1.5, "decimal number or text"), ("1.2.3", "written in digits"),
    ("100000000000", "cannot be more than ₹99,99,99,99,999.99"),
    ("9" * 400, "cannot be more than"), ("1." + "0" * 3 + "1", "at most two decimal places"),
])
def test_what_is_refused_says_which_rule(raw, message):
    with pytest.raises(MoneyInvalid, match=message):
        parse_amount(raw)


def test_a_field_sets_its_own_floor_and_ceiling():
    with pytest.raises(MoneyInvalid, match="must be more than zero"):
        parse_amount("0", minimum=PAISA)
    with pytest.raises(MoneyInvalid, match="cannot be more than ₹1,00,00,000.00"):
        parse_amount("1,00,00,001", maximum=Decimal("10000000"))


def _raw_post(client, text: str):
    page = client.get("/dashboard", follow_redirects=True)
    return client.post("/api/cases", data=text, content_type="application/json",
                       headers={"X-CSRFToken": csrf_from(page)})


@pytest.mark.parametrize("amount,message", [
    ("1e9", "not with an exponent"),  # a JSON number with an exponent
    ('"1e9"', "not with an exponent"),  # and the same as text
    ("100.555", "at most two decimal places"),
    ('"100.555"', "at most two decimal places"),
])
def test_the_api_refuses_the_same_amounts_as_the_forms(client, auth, db_session, amount, message):
    from tests.factories import CreditorFactory

    auth.login_as(CreditorFactory(organization__udyam_number=None))
    before = counts(db_session)
    text = json.dumps(api_body()).replace('"45000.00"', amount)
    resp = _raw_post(client, text)
    assert resp.status_code == 422
    assert any(message in m for m in resp.json["errors"]["invoices.0.taxable_value"])
    assert counts(db_session) == before


def test_a_json_number_with_paise_keeps_them(client, auth, db_session):
    from tests.factories import CreditorFactory

    auth.login_as(CreditorFactory(organization__udyam_number=None))
    text = json.dumps(api_body()).replace('"45000.00"', "45000.10").replace('"2250.00"', "2250.005")
    assert _raw_post(client, text).status_code == 422  # 2250.005 is refused, not rounded
    text = json.dumps(api_body()).replace('"45000.00"', "45000.10").replace('"2250.00"', "2250.01")
    resp = _raw_post(client, text)
    assert resp.status_code == 201, resp.json
    assert client.get(f"/api/cases/{resp.json['reference']}").json["facts"]["invoices"][0]["total"] == "47250.11"
