"""Everyone is told when it is their turn: each audited event that waits on a person opens an
attention item for that person (shown on their dashboard) and tells them by e-mail, and the debtor
by e-mail and SMS within the contact rules. Later events close the items. The table is rules.py.

A feature at the top: it reads cases, notices and arbitration; nothing below imports it."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user


def init_notifications(app: Flask) -> None:
    # Imported here, when the app is created: the door stays light for workers and other packages.
    from portal import audit
    from portal.i18n import language
    from portal.notifications import access, delivery, opening, tasks  # noqa: F401  (tasks: registers the task)
    from portal.notifications.views import bp
    from portal.types import utcnow

    audit.recorded_many.connect(opening.on_recorded_many, weak=False)
    app.register_blueprint(bp)
    from notices import other_contacts

    # One daily cap per debtor across notices, reminders and these messages (DOMAIN 28).
    other_contacts.provide("attention messages", delivery.told_today)

    @app.context_processor
    def _attention():
        def attention_items():
            if not current_user.is_authenticated:
                return []
            return access.open_items(current_user, utcnow())

        def attention_words(items) -> dict:
            """{item id: (what, may)} in the page's language: stored in English, put into words again
            for a page in another language (a debtor's in Hindi)."""
            lang = language()
            if lang == "en":
                return {item.id: (item.what, item.may) for item in items}
            return delivery.item_words(items, lang)

        return {"attention_items": attention_items, "attention_words": attention_words}

