"""In Chromium, from an EMPTY database and through the screens alone: collections before the notice.

A creditor signs up, brings its books in (a Zoho Books invoice export uploaded on the import screen)
and turns reminders on. The reminder run (the hourly beat task, run on the live app's Celery as the
beat would run it) sends the first level, three days before the due date. The debtor, on a phone
(390x844), opens the personal link from that e-mail (read on the dev outbox page, as a person reads
their mailbox), passes the one-time code and promises to pay on the due date. The clock moves past the
date and the grace period; the promise check (beat) breaks the promise and the next run sends the next
level. The debtor reports a UPI payment with its UTR through the new link; the creditor confirms it;
the portfolio's figures move from everything outstanding and nothing collected to the opposite.

No seed, factory, fixture row or service call: only the screens, the two beat tasks, and the app's
clock (the `clock` fixture) moved forward as the days of the story pass.
"""
from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

import portal.types
from portal.types import IST
from tests.e2e.test_cold_start_journey import ask_code, open_new_mail, shot, sign_up
from tests.e2e.test_proceedings_flow import on_thread

pytestmark = pytest.mark.browser

CREDITOR = "Narmada Polymers Private Limited"
CREDITOR_EMAIL = "meera@narmada-polymers.example"
DEBTOR = "Sabarmati Packaging LLP"
DEBTOR_EMAIL = "payables@sabarmati-packaging.example"
INVOICE = "NP/26-27/0312"
NEXT_INVOICE = "NP/26-27/0340"
UTR = "634598120477"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ZOHO_HEADER = ("Invoice Date,Invoice ID,Invoice Number,Invoice Status,Customer ID,Customer Name,GST Treatment,"
               "GST Identification Number (GSTIN),Place of Supply,Due Date,Currency Code,Exchange Rate,"
               "SubTotal,Total,Balance,Email,Notes")


class Clock:
    """The app's clock for the story: noon IST on the first day (inside every contact window), then
    `days` later as the story moves on; it ticks with the wall clock in between. Installed as the
    process's clock (portal.types.set_clock), so the pages, the beat tasks, the sender's contact
    window and the one-time codes agree on what day it is. Nothing else is changed: what happens on
    each day is the app's own doing."""

    def __init__(self) -> None:
        self.start = datetime.now(IST).replace(hour=12, minute=0, second=0, microsecond=0)
        self.started, self.days = time.monotonic(), 0

    def now(self) -> datetime:
        elapsed = timedelta(days=self.days, seconds=time.monotonic() - self.started)
        return (self.start + elapsed).astimezone(UTC)

    def today(self):
        return self.now().astimezone(IST).date()

    def move_to_day(self, days: int) -> None:
        self.days = days


@pytest.fixture
def clock():
    story = Clock()
    portal.types.set_clock(story.now)
    yield story
    portal.types.set_clock(None)


def run_beat(live_server, task: str) -> dict:
    """Run a beat task as the scheduler would: queued on the live app's Celery (eager in tests, so the
    sending it queues after its commit runs too)."""
    return on_thread(live_server, lambda: live_server.app.extensions["celery"].tasks[task].delay().get())


def open_link(debtor: Page, mailbox: Page, link: str) -> None:
    """The debtor opens its personal link and passes the one-time code sent to its own address."""
    debtor.goto(link)
    expect(debtor.locator("h1")).to_have_text(f"Your statement of account with {CREDITOR}")
    shot(debtor, "03-debtor-gate", "collections")
    code = ask_code(mailbox, DEBTOR_EMAIL, "open your statement of account",
                    debtor.get_by_role("button", name="Send me the code").click)
    debtor.get_by_label("The 6-digit code").fill(code)
    debtor.get_by_role("button", name="Open").click()
    expect(debtor.locator("h1")).to_have_text(f"{DEBTOR}: your account with {CREDITOR}")


def figures(page: Page) -> dict[str, str]:
    """The portfolio's headline figures, by their labels."""
    page.goto("/collections/portfolio")
    dl = page.locator("dl.figures")
    return dict(zip(dl.locator("dt").all_inner_texts(), dl.locator("dd").all_inner_texts(), strict=True))


def funnel(page: Page) -> dict[str, str]:
    rows = page.get_by_role("table", name="Debtors at each step after a reminder").locator("tbody tr")
    return {r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text() for r in rows.all()}


def ageing(page: Page) -> dict[str, str]:
    rows = page.get_by_role("table", name="Outstanding by days past the due date").locator("tbody tr")
    return {r.locator("td").nth(0).inner_text(): r.locator("td").nth(1).inner_text() for r in rows.all()}


def import_books(page: Page, books) -> object:
    """Upload a Zoho Books invoice export on the import screen; the import's summary."""
    page.get_by_role("link", name="Bring your books in").click()
    page.get_by_label("Where the file comes from").select_option(label="Zoho Books: Invoices, exported as CSV")
    page.get_by_label("The exported file").set_input_files(str(books))
    page.get_by_role("button", name="Import").click()
    return page.get_by_role("status")


def test_reminder_promise_broken_next_level_paid_and_confirmed(open_page, live_server, clock, tmp_path):
    day0 = clock.today()
    due = day0 + timedelta(days=3)
    mailbox = open_page()

    # 1. The creditor signs up and brings its books in: one invoice of ₹59,000 (within UPI's limit of
    #    ₹1,00,000 a payment), due in three days.
    creditor = open_page()
    creditor.set_viewport_size(DESKTOP)
    sign_up(creditor, business=CREDITOR, address="14 GIDC Estate, Vatva, Ahmedabad 382445",
            name="Meera Shah", email=CREDITOR_EMAIL, mobile="98250 44120", upi="narmadapolymers@okaxis")
    books = tmp_path / "Invoice.csv"
    books.write_text(ZOHO_HEADER + "\n" + (
        f"{day0 - timedelta(days=27)},1794000000300001,{INVOICE},Sent,1794000000090001,{DEBTOR},business_gst,"
        f"24ABFFS4821K1Z6,GJ,{due},INR,1.00,50000.00,59000.00,59000.00,{DEBTOR_EMAIL},\n"))
    creditor.get_by_role("link", name="Collections").click()
    expect(creditor.locator("h1")).to_have_text("Today")
    result = import_books(creditor, books)
    expect(result).to_contain_text("Imported from Zoho Books")
    expect(result).to_contain_text("1 new invoice in 1 new draft claim.")
    shot(creditor, "01-books-imported", "collections")

    before = figures(creditor)
    assert before["Outstanding"] == "₹59,000.00"
    assert before["Collected this month"] == "₹0.00"
    assert ageing(creditor)["Not yet due"] == "₹59,000.00"
    assert funnel(creditor)["Reminded"] == "0"

    # 2. It turns reminders on; the reminder run sends the first level (three days before the due date).
    creditor.get_by_role("link", name="Reminders and debtors").click()
    creditor.get_by_role("button", name="Turn reminders on").click()
    expect(creditor.locator("#state")).to_have_text("Reminders are on")
    shot(creditor, "02-reminders-on", "collections")
    assert run_beat(live_server, "receivables.run_reminders")["created"] == 1
    first = open_new_mail(mailbox, DEBTOR_EMAIL, f"Payment due soon: {CREDITOR}")
    expect(first).to_contain_text(INVOICE)
    expect(first).to_contain_text("₹59,000.00")
    link = re.search(r"http://\S+/r/[A-Za-z0-9_-]+", first.inner_text()).group(0)
    assert run_beat(live_server, "receivables.run_reminders")["created"] == 0  # the next hour: nothing twice

    # 3. The debtor, on a phone, opens the link and promises to pay on the due date.
    debtor = open_page()
    debtor.set_viewport_size(PHONE)
    open_link(debtor, mailbox, link)
    expect(debtor.locator("main")).to_contain_text("₹59,000.00")
    shot(debtor, "04-debtor-statement", "collections")
    debtor.get_by_role("link", name="हिन्दी").click()  # the page in Hindi, then back
    expect(debtor.locator("h1")).to_have_text(f"{DEBTOR}: {CREDITOR} के साथ आपका खाता")
    shot(debtor, "04-debtor-statement-hi", "collections")
    debtor.get_by_role("link", name="English").click()
    debtor.get_by_role("link", name=re.compile("Pay, promise or dispute")).click()
    debtor.get_by_label("Amount you will pay (₹)").fill("59000")
    debtor.get_by_label("You will pay by").fill(due.isoformat())
    shot(debtor, "05-debtor-invoice", "collections")
    debtor.get_by_role("button", name="Promise").click()
    expect(debtor.get_by_role("status")).to_contain_text("reminders for this invoice wait")

    # 4. Six days later nothing has come: the promise check breaks the promise (its date and the two
    #    days' grace have passed) and the run sends the next level, the day after the due date.
    clock.move_to_day(6)
    assert run_beat(live_server, "receivables.check_promises") == {"kept": 0, "broken": 1}
    run_beat(live_server, "receivables.run_reminders")
    second = open_new_mail(mailbox, DEBTOR_EMAIL, f"Payment reminder: {CREDITOR}")
    expect(second).to_contain_text("fell due yesterday")
    second_link = re.search(r"http://\S+/r/[A-Za-z0-9_-]+", second.inner_text()).group(0)
    assert second_link != link
    creditor.goto("/collections/today")
    expect(creditor.get_by_role("region", name=re.compile("Promises broken"))).to_contain_text(DEBTOR)
    shot(creditor, "06-today-promise-broken", "collections")
    middle = figures(creditor)
    assert middle["Outstanding"] == "₹59,000.00"
    assert ageing(creditor)["1–30 days"] == "₹59,000.00"

    # 5. The debtor pays by UPI and reports the UTR through the new link.
    open_link(debtor, mailbox, second_link)
    debtor.get_by_role("link", name=re.compile("Pay, promise or dispute")).click()
    upi = debtor.get_by_role("link", name=re.compile("with a UPI app"))
    assert upi.get_attribute("href").startswith("upi://pay?pa=narmadapolymers@okaxis&")
    debtor.get_by_label("Amount you paid (₹)").fill("59000")
    debtor.get_by_label("UPI or bank transaction reference (UTR)").fill(UTR)
    debtor.get_by_label("Date you paid").fill(clock.today().isoformat())
    debtor.get_by_role("button", name="Tell the creditor").click()
    expect(debtor.get_by_role("status")).to_contain_text("the creditor will confirm the payment")
    shot(debtor, "07-debtor-reported", "collections")

    # 6. The creditor confirms it from the debtor's page; the figures move.
    creditor.goto("/collections/")
    creditor.get_by_role("link", name=DEBTOR).click()
    creditor.get_by_role("button", name=re.compile(rf"Confirm ₹59,000\.00 with UTR {UTR}")).click()
    expect(creditor.get_by_role("status")).to_contain_text("Payment of ₹59,000.00 confirmed")
    shot(creditor, "08-debtor-page-confirmed", "collections")
    after = figures(creditor)
    assert after["Outstanding"] == "₹0.00"
    assert after["Collected this month"] == "₹59,000.00"
    assert set(ageing(creditor).values()) == {"₹0.00"}
    month = creditor.get_by_role("table", name=re.compile("^Collected each month")).locator("tbody tr").last
    expect(month).to_have_text(re.compile(rf"{clock.today():%b %Y}\s*₹59,000\.00\s*100\.0%"))
    assert funnel(creditor) == {"Reminded": "1", "Opened the link": "1", "Responded": "1", "Promised": "1",
                                "Paid": "1"}
    shot(creditor, "09-portfolio-after", "collections")
    creditor.set_viewport_size(PHONE)
    shot(creditor, "10-portfolio-after", "collections")
    creditor.goto("/collections/today")
    expect(creditor.get_by_role("table")).to_contain_text("Nothing is owed.")

    # 7. Next month's books: the paid invoice, and a new one of the same debtor. The new invoice joins
    #    the debtor's claim (still the creditor's draft), so the queue lists the debtor once.
    books.write_text(ZOHO_HEADER + "\n" + (
        f"{day0 - timedelta(days=27)},1794000000300001,{INVOICE},Paid,1794000000090001,{DEBTOR},business_gst,"
        f"24ABFFS4821K1Z6,GJ,{due},INR,1.00,50000.00,59000.00,0.00,{DEBTOR_EMAIL},\n"
        f"{clock.today()},1794000000300002,{NEXT_INVOICE},Sent,1794000000090001,{DEBTOR},business_gst,"
        f"24ABFFS4821K1Z6,GJ,{clock.today() + timedelta(days=30)},INR,1.00,20000.00,23600.00,23600.00,"
        f"{DEBTOR_EMAIL},\n"))
    result = import_books(creditor, books)
    expect(result).to_contain_text("1 new invoice added to 1 draft claim you already had against the same debtor.")
    expect(result).to_contain_text("0 new invoices in 0 new draft claims.")
    shot(creditor, "11-next-month-books", "collections")
    creditor.goto("/collections/today")
    ranked = creditor.get_by_role("table", name=re.compile("^Highest priority first"))
    expect(ranked.get_by_role("link", name=DEBTOR)).to_have_count(1)
    expect(ranked).to_contain_text("₹23,600.00")
    # The promise broken on the first invoice is no longer work: that invoice is paid.
    expect(creditor.get_by_role("region", name=re.compile("Promises broken"))).to_contain_text("None.")
    shot(creditor, "12-today-one-debtor", "collections")
