"""The collections pages and the case list at scale: pages of debtors instead of every debtor, page
links that are checked (a bad one is a 400 with its reason, never a 500), and no filter menu of
thousands of debtors."""
from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from portal.cases import listing
from portal.extensions import db
from tests.factories import CreditorFactory
from tests.receivables.helpers import debtor_case, invoice

TODAY = date.today()


@pytest.fixture
def creditor(db_session):
    creditor = CreditorFactory()
    for k in range(53):
        debtor_case(creditor, invoice(f"S-{k}", TODAY - timedelta(days=k % 40), f"{1000 + k}.00"))
    db.session.flush()
    return creditor


def _debtor_links(html: str) -> list[str]:
    return re.findall(r'href="/collections/debtors/(\d+)"', html)


def test_the_debtors_come_50_a_page_by_name_and_the_next_page_has_the_rest(client, auth, creditor):
    auth.login_as(creditor)
    first = client.get("/collections/").get_data(as_text=True)
    assert len(_debtor_links(first)) == 50
    after = html.unescape(re.search(r'<a rel="next" href="/collections/\?after=([^"#]+)#debtors"', first).group(1))
    rest = client.get(f"/collections/?after={after}").get_data(as_text=True)
    assert len(_debtor_links(rest)) == 3
    assert not set(_debtor_links(first)) & set(_debtor_links(rest))
    assert "Next 50" in first and "Next 50" not in rest
    before = html.unescape(re.search(r'<a rel="prev" href="/collections/\?before=([^"#]+)#debtors"', rest).group(1))
    assert _debtor_links(client.get(f"/collections/?before={before}").get_data(as_text=True)) == _debtor_links(first)


def test_the_queue_comes_50_a_page_and_the_next_page_has_the_rest(client, auth, creditor):
    auth.login_as(creditor)
    first = client.get("/collections/today?all=1").get_data(as_text=True)
    ranked = first.split("Debtors by priority")[1]
    assert len(_debtor_links(ranked)) == 50
    after = re.search(r'after=([0-9_.]+)#ranked', ranked).group(1)
    rest = client.get(f"/collections/today?all=1&after={after}").get_data(as_text=True)
    assert len(_debtor_links(rest.split("Debtors by priority")[1])) == 3


@pytest.mark.parametrize("path", ["/collections/today?after=1_2", "/collections/today?after=x_1.00_3",
                                  "/collections/today?after=1_NaN_3", "/collections/?after=abc",
                                  "/collections/?after=1" + "0" * 20, "/collections/?before=%00%ff"])
def test_a_bad_page_link_is_refused_with_its_reason(client, auth, creditor, path):
    auth.login_as(creditor)
    resp = client.get(path)
    assert resp.status_code == 400
    assert "page link is not valid" in resp.get_data(as_text=True)


def test_the_case_list_offers_no_debtor_menu_beyond_its_limit(client, auth, creditor, monkeypatch):
    auth.login_as(creditor)
    assert 'id="f-debtor"' in client.get("/cases/").get_data(as_text=True)  # 53 debtors: a menu
    monkeypatch.setattr(listing, "MENU_LIMIT", 20)
    page = client.get("/cases/").get_data(as_text=True)
    assert 'id="f-debtor"' not in page and "too many to list" in page
    assert client.get("/cases/?q=Debtor").status_code == 200
