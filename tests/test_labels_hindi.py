"""Every stored value a person may read has Hindi words (portal/web/labels_hi.py), and Hindi dates
read as India writes them."""
from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from datetime import UTC, date, datetime

import pytest

# Never shown to a person: the policy's action names and how a notification is mailed.
INTERNAL = {"portal.accounts.policy.Action", "portal.notifications.rules.Mail"}
PACKAGES = ("portal", "notices", "evidence", "arbitration")
DEVANAGARI = re.compile("[\u0900-\u097f]")
# Kept in Latin letters in Hindi too: payment rails, products and channel names as Indians write them.
LATIN_IN_HINDI = {"neft", "rtgs", "imps", "upi", "sms", "whatsapp", "docusign", "tally", "zoho", "erpnext"}


def _product_enums() -> dict[str, set[str]]:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if ".dev" not in module.name:
                importlib.import_module(module.name)
    found: dict[str, set[str]] = {}
    stack = [enum.Enum]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            where = f"{sub.__module__}.{sub.__qualname__}"
            if sub.__module__.split(".")[0] in PACKAGES and where not in INTERNAL:
                for member in sub:
                    found.setdefault(str(member.value), set()).add(where)
    return found


def test_every_enum_value_has_hindi_words():
    from portal.web.labels_hi import HINDI

    values = _product_enums()
    assert len(values) > 150        # the walk found the product's enums, not an empty set
    missing = {value: sorted(where) for value, where in values.items() if value not in HINDI}
    assert missing == {}
    not_hindi = [v for v in values if v not in LATIN_IN_HINDI and not DEVANAGARI.search(HINDI[v])]
    assert not_hindi == []


def test_no_slash_forms_in_hindi_labels():
    """Gender-neutral constructions, never "देता/देती"."""
    from portal.web.labels_hi import HINDI

    assert [v for v in HINDI.values() if "/" in v] == []


@pytest.mark.parametrize(("stored", "en", "hi"), [
    ("notice_served", "notice served", "नोटिस तामील हो गया"),
    ("msmed_invoice", "MSMED invoice (delayed payment to a micro or small enterprise)",
     "एमएसएमईडी बिल (सूक्ष्म या लघु उद्यम को देर से भुगतान)"),
    ("micro", "micro", "सूक्ष्म"),
])
def test_label_follows_the_language(stored, en, hi):
    from portal.web.labels import label

    assert label(stored) == en and label(stored, "en") == en and label(stored, "hi") == hi


def test_hindi_dates_and_times():
    from portal.formatting import day, ist

    assert day(date(2026, 12, 7), "hi") == "7 दिसंबर 2026"
    assert day(date(2026, 12, 7)) == "07 December 2026"
    stamp = datetime(2026, 12, 7, 8, 32, tzinfo=UTC)          # 14:02 IST
    assert ist(stamp, language="hi") == "7 दिसंबर 2026, 14:02 IST"
    assert ist(stamp, "%d %b %Y", language="hi") == "7 दिसंबर 2026"
    assert ist(stamp) == "07 Dec 2026, 14:02 IST"
