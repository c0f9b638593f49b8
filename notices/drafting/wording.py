"""The fixed words around a notice's body (labels, headings), in each language Sulah issues."""
from __future__ import annotations

WORDING = {
    "en": {
        "title": "Legal notice", "advocate": "Advocate", "enrolment": "Enrolment No.",
        "advocate_pending": "(advocate to be assigned)", "reference": "Ref.", "date": "Date",
        "mode_by": "By {modes}", "mode_and": "and", "mode_email": "e-mail",
        "mode_mobile": "SMS/WhatsApp", "mode_post": "registered post",
        "to": "To,", "yours": "Yours faithfully,", "advocate_for": "Advocate for",
        "verify": "Check that this notice is genuine: scan the code or open",
        "invoice_no": "Invoice", "invoice_date": "Date", "delivery": "Delivered", "due": "Due",
        "amount": "Amount", "principal": "Principal invoiced", "paid": "Received so far",
        "principal_outstanding": "Principal outstanding", "interest_outstanding": "Interest outstanding to",
        "total_due": "Total due", "period": "Period", "rate": "Rate a year", "opening": "Opening",
        "interest": "Interest", "payment": "Payment", "closing": "Closing",
        "bank_rate": "Bank Rate", "bank_rate_from": "in force from",
    },
    "hi": {
        "title": "कानूनी सूचना", "advocate": "अधिवक्ता", "enrolment": "नामांकन सं.",
        "advocate_pending": "(अधिवक्ता नियुक्त होना है)", "reference": "संदर्भ", "date": "दिनांक",
        "mode_by": "{modes} द्वारा", "mode_and": "और", "mode_email": "ई-मेल",
        "mode_mobile": "SMS/WhatsApp", "mode_post": "पंजीकृत डाक",
        "to": "सेवा में,", "yours": "भवदीय,", "advocate_for": "अधिवक्ता,",
        "verify": "इस सूचना की प्रामाणिकता जाँचें: कोड स्कैन करें या खोलें",
        "invoice_no": "बिल", "invoice_date": "दिनांक", "delivery": "सुपुर्दगी", "due": "देय तिथि",
        "amount": "राशि", "principal": "बिल की मूल राशि", "paid": "अब तक प्राप्त",
        "principal_outstanding": "बकाया मूल राशि", "interest_outstanding": "बकाया ब्याज, दिनांक",
        "total_due": "कुल देय", "period": "अवधि", "rate": "वार्षिक दर", "opening": "आरंभिक शेष",
        "interest": "ब्याज", "payment": "भुगतान", "closing": "अंतिम शेष",
        "bank_rate": "बैंक दर", "bank_rate_from": "लागू, दिनांक",
    },
}


def service_modes(words: dict[str, str], *, email: bool, mobile: bool, post: bool) -> str:
    """The notice's "mode of service" line, naming only the modes the debtor's recorded addresses
    allow (the ones the serve screen offers), never a mode the case has no address for."""
    modes = [words[k] for k, present in (("mode_email", email), ("mode_mobile", mobile),
                                          ("mode_post", post)) if present]
    if not modes:
        return ""
    joined = modes[0] if len(modes) == 1 else f"{', '.join(modes[:-1])} {words['mode_and']} {modes[-1]}"
    return words["mode_by"].format(modes=joined)
