"""The Hindi catalogue is complete: every message of the debtor-facing templates and Python modules
(extracted here, as `make messages` does) has a non-empty, non-fuzzy Hindi translation whose
%(placeholders)s are the English ones, and so does every other page's; and the compiled catalogue
the app loads says what the .po says."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations" / "hi" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "_l": None,
            "lazy_gettext": None, "N_": None}

# What a debtor reads: its own pages, the ODR room, offers, blind bidding, settlement, the award, payment, the
# public verify page, the error pages, the page frame and its macros, the attention list, and the
# Python that words them (forms, flashes, refusals, the computation's lines).
DEBTOR_TEMPLATES = [
    # revoke_link.html is the creditor's page for revoking a debtor's link: staff, English.
    *sorted(p for p in (ROOT / "templates" / "debtor").glob("*.html") if p.name != "revoke_link.html"),
    *(ROOT / "templates" / "arbitration" / name for name in (
        "room.html", "room_closed.html", "caucus.html", "_nav.html", "_messages.html", "_terms.html", "_offer_form.html",
        "offers.html", "bidding.html", "settlement.html", "award/show.html")),
    ROOT / "templates" / "payments" / "pay.html",
    ROOT / "templates" / "notices" / "verify.html",
    ROOT / "templates" / "errors" / "error.html",
    ROOT / "templates" / "base.html",
    *sorted((ROOT / "templates" / "_macros").glob("*.html")),
    ROOT / "templates" / "notifications" / "_attention.html",
    ROOT / "templates" / "cases" / "_computation.html",
    *(ROOT / "templates" / "receivables" / name for name in (
        "link_gate.html", "link_home.html", "link_invoice.html", "_statement.html")),
]
DEBTOR_MODULES = [ROOT / path for path in (
    "portal/debtor/forms.py", "portal/debtor/views.py", "portal/debtor/case_views.py",
    "portal/debtor/response_views.py", "portal/debtor/access.py",
    "portal/onetime_codes.py", "portal/formfields.py", "portal/web/errors.py", "portal/web/wtforms_words.py",
    "portal/payments/views.py", "portal/payments/forms.py", "portal/cases/computation_words.py",
    "portal/receivables/forms.py", "portal/receivables/link_views.py", "portal/receivables/link_words.py",
    "notices/signing/verification.py", "notices/signing/forms.py", "notices/serving/channels.py",
    "arbitration/odr/forms.py", "arbitration/odr/views/room.py", "arbitration/odr/views/offers.py",
    "arbitration/odr/views/bidding.py", "arbitration/settlement/views.py",
    # The services' refusals a debtor's form shows (amounts, plans, call-backs, payments, offers,
    # bidding, the room's messages, uploads), put into words in the page's language when refused.
    "portal/money.py", "portal/web/forms.py", "portal/debtor/plans.py", "portal/debtor/responses.py",
    "portal/debtor/callbacks.py", "portal/payments/services.py", "arbitration/settlement/terms.py",
    "arbitration/odr/offers.py", "arbitration/odr/blind_bidding.py", "arbitration/odr/bidding_rules.py",
    "arbitration/odr/room.py", "evidence/uploads.py", "evidence/filetypes.py", "evidence/active_content.py",
    "arbitration/odr/views/caucus.py", "portal/debtor/account_views.py",
    # What a one-time code to a debtor says it is for (its account's e-mail, a settlement or a
    # submission agreement to accept), in the debtor's language.
    "portal/debtor/account.py", "arbitration/invocation/basis.py",
    # The 409 pages of a move the case's (or the offer's, the bidding's) state no longer allows.
    "arbitration/odr/states.py", "arbitration/settlement/agreements.py", "arbitration/settlement/signing.py",
    # The generic refusal (portal.lifecycle) and the labels and nouns it names of the machines a debtor
    # acts in (settlement agreements, promises and reminders, payments; offers and bidding above).
    "portal/lifecycle.py", "arbitration/settlement/states.py", "portal/receivables/states.py",
    "portal/payments/states.py",
    # The attention items' table (what happened, what they may do), mailed in English and Hindi.
    "portal/notifications/rules.py")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _extracted() -> dict[tuple[str | None, str], tuple[str, ...]]:
    found = {}
    for path in DEBTOR_TEMPLATES + DEBTOR_MODULES:
        method = "python" if path.suffix == ".py" else "jinja2"
        options = {} if method == "python" else {"extensions": "jinja2.ext.i18n"}
        for _line, message, _comments, context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                    options=options):
            ids = _ids(message)
            if ids and ids[0]:
                found[(context, ids[0])] = (*ids, str(path.relative_to(ROOT)))
    return found


def _ids(message) -> tuple[str, ...]:
    """An extracted message's ids: the msgid, and the plural's when it has one."""
    return (message,) if isinstance(message, str) else tuple(m for m in message if m)


def _has_hindi(catalogue, ids: tuple[str, ...], context: str | None) -> bool:
    """A non-empty, non-fuzzy Hindi translation (every plural form of one) is in the catalogue."""
    entry = catalogue.get(ids[0] if len(ids) == 1 else (ids[0], ids[1]), context=context)
    strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
    return entry is not None and not entry.fuzzy and bool(strings) and all(s.strip() for s in strings)


def _catalogue():
    with PO.open("rb") as fh:
        return read_po(fh, locale="hi")


def test_every_debtor_facing_message_has_its_hindi():
    catalogue, missing = _catalogue(), []
    for (context, msgid), (*ids, where) in _extracted().items():
        if not _has_hindi(catalogue, (msgid, *ids[1:]), context):
            missing.append(f"{where}: {msgid!r}")
    assert missing == [], "untranslated:\n" + "\n".join(missing)


def test_a_translation_keeps_the_placeholders_of_its_message():
    wrong = []
    for entry in _catalogue():
        if not entry.id or not entry.string:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        if isinstance(entry.id, tuple):
            expected.add("num")   # ngettext always offers the count
        for s in strings:
            if s and not set(PLACEHOLDER.findall(s)) <= expected or (
                    not isinstance(entry.id, tuple) and s and set(PLACEHOLDER.findall(s)) != expected):
                wrong.append(f"{ids[0]!r} -> {s!r}")
    assert wrong == [], "placeholders differ:\n" + "\n".join(wrong)


# A page's own words in both languages side by side would escape the catalogue. What may still
# choose by language is data kept in both (a served document's title, an enum's Hindi label).
SIDE_BY_SIDE = re.compile(r"(?<![\w.])t\(['\"]|==\s*'hi'|hindi")
DATA_IN_BOTH = ("title_hi", "what_hi", "label('hi')")


def test_the_debtor_pages_have_one_mechanism_for_their_words():
    found = []
    for path in DEBTOR_TEMPLATES:
        assert path.exists(), path
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SIDE_BY_SIDE.search(line) and not any(d in line for d in DATA_IN_BOTH):
                found.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()[:100]}")
    assert found == [], "words chosen by language outside the catalogue:\n" + "\n".join(found)


def test_the_compiled_catalogue_is_the_po():
    """`make install` compiles translations/ (the .mo is built, never committed): what the app loads
    is what reviewers read in the .po."""
    mo = PO.with_suffix(".mo")
    assert mo.exists(), "run `make translations` (make install and install-test do)"
    with mo.open("rb") as fh:
        compiled = read_mo(fh)
    for entry in _catalogue():
        if entry.id and entry.string and not entry.fuzzy:
            got = compiled.get(entry.id, context=entry.context)
            want = list(entry.string) if isinstance(entry.string, tuple) else entry.string
            have = list(got.string) if isinstance(got.string, tuple | list) else got.string
            assert got is not None and have == want, entry.id


def test_every_message_of_every_page_has_its_hindi():
    """Staff pages' messages too (the API keys and webhooks pages' had none): every message
    `make messages` extracts (babel.cfg, the same keywords) has its Hindi in the .po."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalogue, missing = _catalogue(), []
    for path, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        ids = _ids(message)
        if ids and ids[0] and not _has_hindi(catalogue, ids, context):
            missing.append(f"{path}: {ids[0]!r}")
    assert missing == [], "untranslated (run `make messages`, then translate):\n" + "\n".join(missing)
