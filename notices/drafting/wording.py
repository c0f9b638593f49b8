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
        "bank_rate_shown": "In each table the Bank Rate behind the rate a year is printed on the first "
                           "month and on each month where it changes; the months between use the same "
                           "Bank Rate.",
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
        "bank_rate_shown": "हर तालिका में वार्षिक दर के पीछे की बैंक दर पहले महीने पर और हर उस महीने पर "
                           "छपी है जहाँ वह बदलती है; बीच के महीनों पर वही बैंक दर लागू है।",
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


# The computation's method notes (portal.cases.amounts, portal.cases.interest) as a Hindi notice
# prints them, by their English text; a note not listed (a payment's own line) stays in English.
NOTES_HI = {
    "MSMED Act s.16: compound interest with monthly rests at three times the RBI Bank Rate, from the "
    "day after the due date.": "एमएसएमईडी अधिनियम की धारा 16: देय तिथि के अगले दिन से, भारतीय रिज़र्व बैंक "
    "की बैंक दर के तीन गुना दर पर, मासिक चक्रवृद्धि ब्याज।",
    "Floating rate: each month uses the Bank Rate in force on the day that month opens.":
        "बदलती दर: हर महीने पर वह बैंक दर लगती है जो उस महीने के पहले दिन लागू थी।",
    "Frozen rate: every month uses the Bank Rate in force on the due date.":
        "स्थिर दर: हर महीने पर वह बैंक दर लगती है जो देय तिथि पर लागू थी।",
    "Frozen rate: every month uses the Bank Rate in force on the first day of interest (the day after "
    "the due date).": "स्थिर दर: हर महीने पर वह बैंक दर लगती है जो ब्याज के पहले दिन (देय तिथि के अगले "
    "दिन) लागू थी।",
    "Part month: an incomplete month carries that month's rate for the days elapsed out of the actual "
    "days in that month (28 to 31).": "अधूरा महीना: अधूरे महीने पर उस महीने की दर, बीते दिनों के अनुपात में, "
    "उस महीने के वास्तविक दिनों (28 से 31) के हिसाब से लगती है।",
    "Part month: an incomplete month carries that month's rate for the days elapsed out of a 30-day "
    "month (at most 30 days in any month).": "अधूरा महीना: अधूरे महीने पर उस महीने की दर, बीते दिनों के "
    "अनुपात में, 30 दिन के महीने के हिसाब से लगती है (किसी महीने में अधिकतम 30 दिन)।",
    "Part month: only complete months carry interest; an incomplete month carries none.":
        "अधूरा महीना: ब्याज केवल पूरे महीनों पर लगता है; अधूरे महीने पर कोई ब्याज नहीं।",
    "Rounding: each line's interest is rounded to the paisa (half up) and the rounded figure joins the "
    "balance at the monthly rest.": "पूर्णांकन: हर पंक्ति का ब्याज पैसे तक पूर्णांकित होता है (आधा या अधिक "
    "ऊपर) और वही पूर्णांकित राशि मासिक अवधि के अंत में शेष में जुड़ती है।",
    "Rounding: interest is carried unrounded and the amounts due are rounded to the paisa (half up) "
    "once, at the end; lines are shown rounded, so they may differ from the totals by a paisa.":
        "पूर्णांकन: ब्याज बिना पूर्णांकन के आगे बढ़ता है और देय राशियाँ अंत में एक बार पैसे तक पूर्णांकित होती "
        "हैं (आधा या अधिक ऊपर); पंक्तियाँ पूर्णांकित दिखाई गई हैं, इसलिए योग से एक पैसे का अंतर हो सकता है।",
    "No interest is claimed.": "कोई ब्याज नहीं माँगा गया है।",
}


def note_in(language: str, note: str) -> str:
    """A computation note in the notice's language."""
    return NOTES_HI.get(note, note) if language == "hi" else note
