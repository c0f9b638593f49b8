"""Bringing the books in (/collections/books): upload a Tally, Zoho Books or ERPNext export; the
outstanding invoices become draft claims, the paid ones stop their reminders."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import render_template
from flask_login import current_user, login_required

from portal.cases import today_ist
from portal.receivables import access, book_sync, books
from portal.receivables.blueprint import bp
from portal.receivables.forms import BooksForm


@bp.route("/collections/books", methods=["GET", "POST"])
@login_required
def import_books():
    access.require_staff(current_user)
    form = BooksForm()
    if not form.validate_on_submit():
        return render_template("receivables/books.html", form=form, report=None), 422 if form.errors else 200
    source = books.Source(form.source.data)
    fd, name = tempfile.mkstemp(suffix=".upload")
    try:
        with os.fdopen(fd, "wb") as fh:
            form.file.data.save(fh)
        rows = books.parse(source, Path(name))
        report = book_sync.apply(current_user, source, rows, today_ist())
    except books.BooksRefused as exc:
        form.file.errors.append(str(exc))
        return render_template("receivables/books.html", form=form, report=None), 422
    finally:
        Path(name).unlink(missing_ok=True)
    return render_template("receivables/books.html", form=BooksForm(formdata=None), report=report,
                           source=books.LABELS[source])
