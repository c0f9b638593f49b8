"""The words of the debtor's reminder-link pages in English and Hindi, as one table (the same way the
attention messages carry both languages in portal.notifications.rules.Words): each key in both
languages, the forms' labels, and the refusals the debtor may meet translated by their English text.
The page follows the debtor's language in the creditor's settings until the debtor switches it."""
from __future__ import annotations

from datetime import date

LANGUAGES = {"en": "English", "hi": "हिन्दी"}

TEXT: dict[str, tuple[str, str]] = {
    "language": ("Language", "भाषा"),
    "title": ("Your statement of account", "आपका खाता विवरण"),
    "gate_h1": ("Your statement of account with {creditor}", "{creditor} के साथ आपका खाता विवरण"),
    "gate_why": ("To keep your account private, we first send a one-time code to one of your own addresses.",
                 "आपका खाता निजी रखने के लिए, हम पहले आपके अपने किसी पते पर एक बार इस्तेमाल होने वाला कोड "
                 "भेजते हैं।"),
    "send_code": ("Send me the code", "मुझे कोड भेजें"),
    "open": ("Open", "खोलें"),
    "by_email": ("E-mail to {address}", "ई-मेल: {address}"),
    "by_sms": ("SMS to {address}", "SMS: {address}"),
    "code_sent": ("A code is on its way to {address}.", "कोड {address} पर भेजा जा रहा है।"),
    "home_h1": ("{debtor}: your account with {creditor}", "{debtor}: {creditor} के साथ आपका खाता"),
    "outstanding_all": ("Outstanding in all:", "कुल बकाया:"),
    "without_interest": ("(without interest).", "(ब्याज के बिना)।"),
    "download": ("Download the statement of account:", "खाता विवरण डाउनलोड करें:"),
    "or": ("or", "या"),
    "csv": ("CSV (for a spreadsheet)", "CSV (स्प्रेडशीट के लिए)"),
    "what_you_can": ("For each invoice you can pay by UPI, tell us you have paid (with the UTR), promise a "
                     "date, confirm the balance, or tell us what is wrong with it.",
                     "हर बिल के लिए आप UPI से भुगतान कर सकते हैं, भुगतान की सूचना (UTR के साथ) दे सकते हैं, "
                     "भुगतान की तारीख़ का वादा कर सकते हैं, बकाया राशि की पुष्टि कर सकते हैं, या बता सकते "
                     "हैं कि उसमें क्या ग़लत है।"),
    "open_invoices": ("Open invoices", "बकाया बिल"),
    "col_invoice": ("Invoice", "बिल"),
    "col_claim": ("Claim", "दावा"),
    "col_due": ("Due", "देय तिथि"),
    "col_total": ("Total", "कुल"),
    "col_outstanding": ("Outstanding", "बकाया"),
    "col_note": ("Note", "टिप्पणी"),
    "col_actions": ("What you can do", "आप क्या कर सकते हैं"),
    "disputed": ("Disputed.", "विवादित।"),
    "promised": ("Promised.", "वादा किया गया।"),
    "act": ("Pay, promise or dispute", "भुगतान, वादा या आपत्ति"),
    "act_label": ("Pay, promise or dispute invoice {number}", "बिल {number}: भुगतान, वादा या आपत्ति"),
    "nothing_open": ("Nothing is open.", "कोई बिल बकाया नहीं है।"),
    "invoice_title": ("Invoice {number}", "बिल {number}"),
    "invoice_h1": ("Invoice {number} from {creditor}", "{creditor} का बिल {number}"),
    "invoice_facts": ("Dated {dated}, due {due}. Total {total}; outstanding",
                      "दिनांक {dated}, देय {due}। कुल {total}; बकाया"),
    "pay_upi": ("Pay by UPI", "UPI से भुगतान करें"),
    "pay_upi_button": ("Pay {amount} with a UPI app", "किसी UPI ऐप से {amount} का भुगतान करें"),
    "have_paid": ("I have paid", "मैंने भुगतान कर दिया है"),
    "tell_creditor": ("Tell the creditor", "लेनदार को बताएँ"),
    "promise_h": ("Promise to pay", "भुगतान का वादा"),
    "promise_button": ("Promise", "वादा करें"),
    "ack_h": ("Confirm the balance", "बकाया राशि की पुष्टि"),
    "ack_note": ("Confirming here is recorded as your acknowledgement of the balance; it is not a signature.",
                 "यहाँ पुष्टि करना बकाया राशि की आपकी स्वीकृति के रूप में दर्ज होता है; यह हस्ताक्षर नहीं है।"),
    "ack_button": ("I confirm this balance", "इस बकाया राशि की पुष्टि करें"),
    "dispute_h": ("Something is wrong with this invoice", "इस बिल में कुछ ग़लत है"),
    "dispute_button": ("Send to the creditor", "लेनदार को भेजें"),
    "back": ("Back to your statement", "अपने खाता विवरण पर वापस जाएँ"),
    "done_paid": ("Thank you: the creditor will confirm the payment and send you a receipt.",
                  "धन्यवाद: लेनदार भुगतान की पुष्टि करके आपको रसीद भेजेगा।"),
    "done_promise": ("Thank you: reminders for this invoice wait until the date you gave.",
                     "धन्यवाद: आपकी दी गई तारीख़ तक इस बिल के अनुस्मारक नहीं भेजे जाएँगे।"),
    "done_dispute": ("Thank you: the creditor will look at what you wrote. No reminders for this invoice "
                     "meanwhile.", "धन्यवाद: लेनदार आपकी बात देखेगा। तब तक इस बिल के अनुस्मारक नहीं भेजे "
                                   "जाएँगे।"),
    "done_acknowledge": ("Thank you: your confirmation of the balance is recorded.",
                         "धन्यवाद: बकाया राशि की आपकी पुष्टि दर्ज हो गई है।"),
}

# Form fields (by name, whatever the form's prefix) -> their label in Hindi.
LABELS_HI = {
    "destination": "कोड यहाँ भेजें",
    "code": "6 अंकों का कोड",
    "amount": None,            # two forms share the name: see FORM_LABELS_HI
    "utr": "UPI या बैंक लेन-देन संदर्भ (UTR)",
    "paid_on": "भुगतान की तारीख़",
    "promised_for": "आप इस तारीख़ तक चुकाएँगे",
    "text": "इस बिल में क्या ग़लत है?",
}
FORM_LABELS_HI = {("PaidForm", "amount"): "आपके द्वारा भुगतान की गई राशि (₹)",
                  ("DebtorPromiseForm", "amount"): "आप कितनी राशि चुकाएँगे (₹)"}

# The refusals of the forms and services behind these pages, by their English text.
ERRORS_HI = {
    "Enter the code.": "कोड दर्ज करें।",
    "Give the amount you paid.": "भुगतान की गई राशि लिखें।",
    "Give the UTR of the payment.": "भुगतान का UTR लिखें।",
    "Give the date you paid.": "भुगतान की तारीख़ लिखें।",
    "Give the amount.": "राशि लिखें।",
    "Give the date.": "तारीख़ लिखें।",
    "Tell the creditor what is wrong.": "लेनदार को बताएँ कि क्या ग़लत है।",
    "Not a valid date value.": "यह मान्य तारीख़ नहीं है।",
    "Choose today or a later date.": "आज या आगे की कोई तारीख़ चुनें।",
    "The amount must be more than zero.": "राशि शून्य से अधिक होनी चाहिए।",
    "The amount is more than the invoice.": "राशि बिल से अधिक है।",
    "Enter the amount in rupees, e.g. 25000 or 25000.50.": "राशि रुपयों में लिखें, जैसे 25000 या 25000.50।",
    "There is already an open promise for this invoice.": "इस बिल के लिए पहले से एक वादा दर्ज है।",
    "This is already on record for the invoice.": "यह इस बिल के लिए पहले से दर्ज है।",
}


def words(lang: str) -> dict[str, str]:
    """Every key in one language (English for anything but "hi")."""
    i = 1 if lang == "hi" else 0
    return {key: pair[i] for key, pair in TEXT.items()}


def day(value: date, lang: str) -> str:
    """A date as the page shows it: 16 Oct 2026, or 16.10.2026 in Hindi (no English month names)."""
    return value.strftime("%d.%m.%Y" if lang == "hi" else "%d %b %Y")


def localise(form, lang: str) -> None:
    """Put a form's labels and errors into the page's language (English needs nothing)."""
    if lang != "hi" or form is None:
        return
    kind = type(form).__name__
    for f in form:
        name = f.short_name
        label = FORM_LABELS_HI.get((kind, name)) or LABELS_HI.get(name)
        if label:
            f.label.text = label
        if f.errors:
            f.errors = [ERRORS_HI.get(str(e), str(e)) for e in f.errors]
