"""The Hindi of the debtor's forms: labels by form and field, the choices' words, and the refusals
the debtor may meet, translated by their English text (as portal.receivables.link_words does for
the reminder link). English needs nothing: the forms are written in it. Gender-neutral wording:
no "करता/करती" pairs; the forms ask ("आप कब…") or state ("…की पुष्टि") instead."""
from __future__ import annotations

import re

# (form class, field name) -> Hindi label; ("*", name) for every form with that field.
LABELS_HI = {
    ("SendCodeForm", "destination"): "कोड कहाँ भेजें",
    ("CodeForm", "code"): "कोड",
    ("DisputeForm", "reason"): "आपत्ति का कारण क्या है?",
    ("DisputeForm", "explanation"): "विवरण",
    ("DisputeForm", "invoices"): "किन बिलों पर आपत्ति है?",
    ("DisputeForm", "files"): "आपके दस्तावेज़ (वैकल्पिक)",
    ("DisputeForm", "file_kind"): "ये दस्तावेज़ किस तरह के हैं?",
    ("AdmitPartForm", "admitted"): "कौन से बिल आप स्वीकार करते हैं और अभी चुकाएँगे?",
    ("AdmitPartForm", "reason"): "बाक़ी बिलों पर आपत्ति का कारण क्या है?",
    ("AdmitPartForm", "explanation"): "विवरण",
    ("PlanForm", "count"): "किस्तों की संख्या",
    ("PlanForm", "frequency"): "कितने अंतराल पर",
    ("PlanForm", "first_due"): "पहली किस्त की तारीख़",
    ("PlanForm", "down_payment"): "आज का अग्रिम भुगतान (वैकल्पिक, ₹)",
    ("PlanForm", "note"): "लेनदार के लिए संदेश (वैकल्पिक)",
    ("CallbackForm", "day"): "दिन",
    ("CallbackForm", "slot"): "समय (IST)",
    ("CallbackForm", "phone"): "किस नंबर पर कॉल करें",
    ("CallbackForm", "note"): "आप किस बारे में बात करना चाहते हैं? (वैकल्पिक)",
    ("AccountForm", "name"): "आपका नाम",
    ("AccountForm", "email"): "ई-मेल",
    ("AccountForm", "code"): "उस ई-मेल पर भेजा गया कोड",
    ("AccountForm", "password"): "पासवर्ड",
    ("AccountForm", "confirm"): "पासवर्ड दोबारा लिखें",
}

# Words of radio and select choices, by their stored value.
CHOICES_HI = {
    "goods_not_received": "माल या सेवाएँ नहीं मिलीं",
    "quality": "माल या सेवाओं की गुणवत्ता",
    "amount_wrong": "राशि ग़लत है",
    "already_paid": "भुगतान पहले ही हो चुका है",
    "not_my_debt": "यह देनदारी हमारी नहीं है",
    "other": "अन्य कारण",
    "monthly": "हर महीने",
    "weekly": "हर सप्ताह",
    "invoice": "बिल",
    "purchase_order": "ख़रीद आदेश",
    "delivery_proof": "डिलीवरी का प्रमाण",
    "correspondence": "पत्राचार",
    "ledger": "खाता बही",
    "agreement": "अनुबंध",
}

# Refusals by their English text; a refusal not listed stays in English rather than be guessed.
ERRORS_HI = {
    "Choose where to send the code.": "चुनें कि कोड कहाँ भेजा जाए।",
    "Enter the 6-digit code.": "6 अंकों का कोड लिखें।",
    "Choose why you dispute the claim.": "आपत्ति का कारण चुनें।",
    "Explain why you dispute the claim.": "बताएँ कि दावे पर आपत्ति क्यों है।",
    "Choose why you dispute the other invoices.": "बाक़ी बिलों पर आपत्ति का कारण चुनें।",
    "Explain why you dispute the other invoices.": "बताएँ कि बाक़ी बिलों पर आपत्ति क्यों है।",
    "Give the number of instalments.": "किस्तों की संख्या लिखें।",
    "Choose between 2 and 12 instalments.": "2 से 12 के बीच किस्तें चुनें।",
    "Choose how often you will pay.": "चुनें कि भुगतान कितने अंतराल पर होगा।",
    "Give the date of the first instalment.": "पहली किस्त की तारीख़ लिखें।",
    "Choose the day for the call.": "कॉल का दिन चुनें।",
    "Choose a time for the call.": "कॉल का समय चुनें।",
    "Give the number to call.": "कॉल के लिए नंबर लिखें।",
    "Give your name.": "अपना नाम लिखें।",
    "Give your e-mail address.": "अपना ई-मेल पता लिखें।",
    "Enter a valid e-mail address.": "सही ई-मेल पता लिखें।",
    "The passwords differ.": "दोनों पासवर्ड अलग हैं।",
    "This field is required.": "यह भरना ज़रूरी है।",
    "Not a valid date value.": "यह सही तारीख़ नहीं है।",
    "Not a valid integer value.": "यह सही संख्या नहीं है।",
    "Enter the amount in rupees, e.g. 25000 or 25000.50.": "राशि रुपयों में लिखें, जैसे 25000 या 25000.50।",
    "Not a valid choice.": "यह विकल्प मान्य नहीं है।",
    "There is no code waiting. Ask for a new one.": "कोई कोड प्रतीक्षा में नहीं है। नया कोड मँगाएँ।",
    "That code has expired. Ask for a new one.": "यह कोड समाप्त हो गया है। नया कोड मँगाएँ।",
    "Too many wrong codes. Ask for a new one.": "बहुत बार ग़लत कोड डाला गया। नया कोड मँगाएँ।",
    "Too many codes were sent in the last hour. Please wait a while and try again.":
        "पिछले एक घंटे में बहुत सारे कोड भेजे जा चुके हैं। कृपया कुछ देर बाद फिर कोशिश करें।",
}
_TRIES_LEFT = re.compile(r"^That code is not right\. (\d+) tr(?:y|ies) left\.$")


def _error_hi(text: str) -> str:
    tries = _TRIES_LEFT.match(text)
    if tries:
        return f"यह कोड सही नहीं है। {tries[1]} और कोशिश बाक़ी।"
    return ERRORS_HI.get(text, text)

_INVOICE_CHOICE = re.compile(r"^Invoice (?P<number>.+) of (?P<dated>\d{2} \w{3} \d{4}): (?P<amount>\S+) "
                             r"(?P<what>due today|invoiced)$")


def _invoice_choice_hi(text: str) -> str:
    """"Invoice INV-1 of 02 Jan 2026: ₹1,00,000.00 due today" in Hindi (the date in Hindi too)."""
    found = _INVOICE_CHOICE.match(text)
    if found is None:
        return text
    from datetime import datetime

    from portal.formatting import day

    dated = day(datetime.strptime(found["dated"], "%d %b %Y").date(), "hi")
    what = "आज देय" if found["what"] == "due today" else "बिल की राशि"
    return f"बिल {found['number']}, दिनांक {dated}: {what} {found['amount']}"


def _choice_hi(choice):
    from dataclasses import replace

    from wtforms import SelectChoice

    if isinstance(choice, SelectChoice):
        return replace(choice, label=CHOICES_HI.get(str(choice.value), _invoice_choice_hi(str(choice.label))))
    value, words = choice[0], choice[1]
    return (value, CHOICES_HI.get(str(value), _invoice_choice_hi(str(words))), *choice[2:])


def localise(form, lang: str) -> None:
    """Put a form's labels, choices and errors into the page's language (English needs nothing)."""
    if lang != "hi" or form is None:
        return
    kind = type(form).__name__
    for f in form:
        hindi = LABELS_HI.get((kind, f.short_name))
        if hindi:
            f.label.text = hindi
        if getattr(f, "choices", None) and f.type in {"RadioField", "SelectField", "InvoiceChoices"}:
            f.choices = [_choice_hi(c) for c in f.choices]
        if f.errors:
            f.errors = [_error_hi(str(e)) for e in f.errors]
    form.form_errors[:] = [_error_hi(str(e)) for e in getattr(form, "form_errors", [])]
