"""Money is shown in Indian digit grouping everywhere (pages, PDFs); the site icon is served."""
from decimal import Decimal

import pytest

from portal.web.filters import amount, inr


@pytest.mark.parametrize(("value", "grouped"), [
    (Decimal("0"), "0.00"), (Decimal("999.5"), "999.50"), (Decimal("1000"), "1,000.00"),
    (Decimal("340000"), "3,40,000.00"), (Decimal("158600"), "1,58,600.00"),
    (Decimal("12345678.905"), "1,23,45,678.91"), (Decimal("-100000"), "-1,00,000.00"),
])
def test_amounts_use_lakh_and_crore_grouping(value, grouped):
    assert amount(value) == grouped
    assert inr(value) == (f"-₹{grouped[1:]}" if grouped.startswith("-") else f"₹{grouped}")


def test_nothing_for_no_amount():
    assert amount(None) == "" and inr(None) == ""


def test_no_template_formats_money_with_western_grouping():
    """'{:,.2f}' groups in thousands (340,000.00); templates use |amount or |inr instead."""
    from portal.config import PROJECT_ROOT

    offenders = [str(p.relative_to(PROJECT_ROOT)) for p in (PROJECT_ROOT / "templates").rglob("*.*")
                 if p.suffix in {".html", ".txt"} and "{:," in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_favicon_is_linked_and_served(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["Location"].endswith("/static/favicon.svg")
    icon = client.get("/static/favicon.svg")
    icon.close()
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
