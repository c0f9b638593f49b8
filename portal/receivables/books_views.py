"""Bringing the books in (/collections/books): upload a Tally, Zoho Books or ERPNext export; the
outstanding invoices become draft claims, the paid ones stop their reminders."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import render_template
from flask_login import current_user, login_required

from portal.cases import today_ist
from portal.i18n import gettext, language, localise_errors
from portal.receivables import access, book_sync, books
from portal.receivables.blueprint import bp
from portal.receivables.forms import BooksForm


@bp.route("/collections/books", methods=["GET", "POST"])
@login_required
def import_books():
    access.require_staff(current_user)
    form = BooksForm()
    if not form.validate_on_submit():
        localise_errors(form)
        return render_template("receivables/books.html", form=form, report=None), 422 if form.errors else 200
    source = books.Source(form.source.data)
    fd, name = tempfile.mkstemp(suffix=".upload")
    try:
        with os.fdopen(fd, "wb") as fh:
            form.file.data.save(fh)
        rows = books.parse(source, Path(name))
        report = book_sync.apply(current_user, source, rows, today_ist())
    except books.BooksRefused as exc:
        form.file.errors.append(refusal_words(exc))
        return render_template("receivables/books.html", form=form, report=None), 422
    finally:
        Path(name).unlink(missing_ok=True)
    return render_template("receivables/books.html", form=BooksForm(formdata=None), report=report,
                           source=gettext(books.LABELS[source]))


def refusal_words(exc: books.BooksRefused) -> str:
    """The file's refusal in the page's language: its catalogue message with its values (where in
    the file, the source's name), or a refusal of portal.tabular found by its English text."""
    if language() == "en":
        return str(exc)
    values = {name: gettext(v.said, num=v.num) if isinstance(v, books.Where) else
              gettext(v) if v in books.LABELS.values() else v for name, v in exc.values.items()}
    return gettext(exc.said, **values) if values else gettext(exc.said)
