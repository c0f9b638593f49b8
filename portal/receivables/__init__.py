"""Collections before the notice: follow-up levels, the reminder run, the debtor's reminder link,
promises to pay, priorities, the work queue and the portfolio dashboard."""
from flask import Flask

from portal.receivables.access import DEBTORS_TAG, debtors_page, require_staff
from portal.receivables.models import Promise, Reminder
from portal.receivables.promises import PromiseInvalid, make

__all__ = ["DEBTORS_TAG", "Promise", "PromiseInvalid", "Reminder", "debtors_page", "init_receivables", "make",
           "require_staff"]


def init_receivables(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal.receivables import books_views, link_views, views  # noqa: F401  (routes on the blueprint)
    from portal.receivables.blueprint import bp
    from portal.receivables.page_words import template_globals

    app.register_blueprint(bp)
    # What the collections pages show of the services' English, in the page's language.
    app.jinja_env.globals.update(template_globals())
    from portal.i18n import decide_with

    decide_with(link_views.page_language, blueprints=("receivables",))
    from notices import other_contacts
    from portal.receivables.conduct import reminder_contacts_today

    # One daily cap per debtor across notices, reminders and the rest (DOMAIN 28).
    other_contacts.provide("reminders", reminder_contacts_today)
    from portal.cases import case_list_parts, case_page_parts, debtor_owned_by, invoices_on_record
    from portal.receivables import case_parts

    case_page_parts.provide("case_priority", case_parts.case_priority)
    case_list_parts.provide("priorities", case_parts.list_priorities)
    debtor_owned_by.provide(case_parts.debtor_owned_by)
    invoices_on_record.provide("collections", case_parts.invoices_on_record)
    from portal.accounts import account_switched_off
    from portal.receivables import queue

    account_switched_off.provide("collections", queue.release)
    from portal import audit
    from portal.receivables import freshness

    audit.recorded.connect(freshness.on_recorded, weak=False)
    freshness.listen()
    from portal.receivables.commands import collections_cli

    app.cli.add_command(collections_cli)
