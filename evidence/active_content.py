"""What an exhibit may not carry: PDF active content, a second file hidden inside, or HTML.

An exhibit is opened by the other party, the advocate and the tribunal. A PDF that runs JavaScript
when opened, launches a program, carries attached files or an XFA form can act on their machine or
change what it shows after it was hashed; a file that is at once a valid image (or PDF) and a ZIP
archive (a polyglot) shows one thing to the reader and hides another. Such files are refused with a
message saying what to do (print the document to a new PDF), rather than silently cleaned: the
hashed exhibit must be exactly the file its owner chose, so we never alter one.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pikepdf

from portal.i18n import gettext, lazy_gettext

# Action types that run code, reach outside the document, or submit data somewhere: what the refusal
# says each one is (lazy: put into words in the reader's language when refused).
_ACTIVE_ACTIONS = {"/JavaScript": lazy_gettext("This PDF contains JavaScript."),
                   "/Launch": lazy_gettext("This PDF contains an action that launches a program."),
                   "/SubmitForm": lazy_gettext("This PDF contains a form that submits data."),
                   "/ImportData": lazy_gettext("This PDF contains an action that imports data."),
                   "/RichMediaExecute": lazy_gettext("This PDF contains embedded media that runs.")}
_HTML = re.compile(rb"<\s*(!doctype\s+html|html|script|svg|iframe|body|object|embed)\b", re.IGNORECASE)


def _advised(problem: str) -> str:
    """The problem, then what to do about it (two sentences, each in the reader's language)."""
    advice = gettext("Open it and print it to a new PDF (or scan the paper copy), then upload that.")
    return f"{problem} {advice}"


class ActiveContent(ValueError):
    """The file carries something an exhibit may not; the message says what and what to do."""


def _name(value: object) -> str:
    return str(value) if isinstance(value, pikepdf.Name) else ""


def _dictionaries(pdf: pikepdf.Pdf):
    """Every dictionary in the file: the indirect objects and the direct ones nested inside them
    (an annotation's action is often written inline)."""
    stack = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream)]
    while stack:
        obj = stack.pop()
        values = list(obj.values()) if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream) else list(obj)
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            yield obj
        stack.extend(v for v in values
                     if isinstance(v, pikepdf.Dictionary | pikepdf.Array) and not v.is_indirect)


def pdf_problem(path: Path) -> str | None:
    """Why this PDF cannot be an exhibit, or None. Reads the object table, never decodes streams."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return gettext("This PDF is password-protected. Remove the password (print it to a new PDF) and "
                       "upload again.")
    except pikepdf.PdfError:
        return _advised(gettext("This PDF is damaged and cannot be read."))
    with pdf:
        root = pdf.Root
        if isinstance(root.get("/OpenAction"), pikepdf.Dictionary):  # an array is a page to open at
            return _advised(gettext("This PDF runs an action when it is opened."))
        if "/AA" in root:
            return _advised(gettext("This PDF runs actions when it is opened or closed."))
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            if "/JavaScript" in names:
                return _advised(gettext("This PDF contains JavaScript."))
            if "/EmbeddedFiles" in names:
                return gettext("This PDF carries attached files. Upload each attachment as its own exhibit.")
        acroform = root.get("/AcroForm")
        if isinstance(acroform, pikepdf.Dictionary) and "/XFA" in acroform:
            return _advised(gettext("This PDF is an XFA form, whose content can change when it is opened."))
        for obj in _dictionaries(pdf):
            kind = _name(obj.get("/S"))
            if kind in _ACTIVE_ACTIONS:
                return _advised(str(_ACTIVE_ACTIONS[kind]))
            if "/JS" in obj:
                return _advised(gettext("This PDF contains JavaScript."))
            if _name(obj.get("/Type")) in ("/EmbeddedFile", "/Filespec") and "/EF" in obj \
                    or _name(obj.get("/Type")) == "/EmbeddedFile" \
                    or _name(obj.get("/Subtype")) == "/FileAttachment":
                return gettext("This PDF carries attached files. Upload each attachment as its own exhibit.")
            if _name(obj.get("/Subtype")) == "/RichMedia":
                return _advised(gettext("This PDF embeds rich media that can run."))
            if "/AA" in obj and _name(obj.get("/Type")) in ("/Page", "/Annot", ""):
                return _advised(gettext("This PDF runs actions when a page or field is used."))
    return None


def polyglot_problem(path: Path, head: bytes, extension: str) -> str | None:
    """Why this file is more than the one kind it claims to be, or None."""
    if extension in ("pdf", "png", "jpg") and zipfile.is_zipfile(path):
        return _advised(gettext("This %(kind)s file also contains a ZIP archive (it is two files in one), "
                                "so it is not accepted.", kind=extension.upper()))
    if extension in ("png", "jpg") and b"%PDF-" in head[:1024]:
        return _advised(gettext("This %(kind)s file also contains a PDF, so it is not accepted.",
                                kind=extension.upper()))
    if extension != "eml" and _HTML.search(head[:1024]):
        return gettext("This file contains web-page code (HTML), which a browser would run; it is not "
                       "accepted as an exhibit. Print the page to PDF and upload that.")
    return None


def check(path: Path, head: bytes, extension: str) -> None:
    """Raise `ActiveContent` unless the file may be stored as an exhibit of this kind."""
    problem = polyglot_problem(path, head, extension)
    if problem is None and extension == "pdf":
        problem = pdf_problem(path)
    if problem is None and extension in ("xlsx", "docx"):
        with zipfile.ZipFile(path) as zf:
            if any(n.lower().endswith("vbaproject.bin") for n in zf.namelist()):
                problem = gettext("This Office file contains macros. Save it without macros (.xlsx or .docx) "
                                  "first.")
    if problem:
        raise ActiveContent(problem)
