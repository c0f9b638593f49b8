"""The default follow-up levels every organisation starts with (editable afterwards), in English
and Hindi. Wording follows DOMAIN 28: a reminder asks and states facts; it threatens nothing.

Placeholders (the only ones a level's text may use): {debtor} {creditor} {amount} {invoices}
{interest_line} {msefc_line} {link}.
"""
from __future__ import annotations

from dataclasses import dataclass

from portal.receivables.models import Tone

PLACEHOLDERS = frozenset({"debtor", "creditor", "amount", "invoices", "interest_line", "msefc_line", "link"})


@dataclass(frozen=True)
class LevelDefault:
    offset_days: int
    tone: Tone
    channels: str
    include_interest: bool
    last_before_notice: bool
    call_task: bool
    subject_en: str
    body_en: str
    subject_hi: str
    body_hi: str


_CLOSE_EN = ("\n\nYour statement of account, and ways to pay, confirm a payment, promise a date or "
             "tell us about a problem with an invoice, are at your personal link:\n{link}\n\n"
             "If you have already paid, thank you, and please ignore this message.\n\n{creditor}")
_CLOSE_HI = ("\n\nआपका खाता विवरण, भुगतान के तरीके, भुगतान की पुष्टि, भुगतान की तारीख़ का वादा या किसी "
             "बिल में समस्या बताने के लिए आपका निजी लिंक:\n{link}\n\n"
             "यदि आप भुगतान कर चुके हैं, तो धन्यवाद, कृपया इस संदेश को अनदेखा करें।\n\n{creditor}")

DEFAULT_LEVELS: tuple[LevelDefault, ...] = (
    LevelDefault(
        -3, Tone.FRIENDLY, "email", False, False, False,
        "Payment due soon: {creditor}",
        "Dear {debtor},\n\nA friendly note that the following invoices fall due in a few days:\n\n"
        "{invoices}\n\nTotal: {amount}" + _CLOSE_EN,
        "भुगतान की तारीख़ नज़दीक है: {creditor}",
        "प्रिय {debtor},\n\nआपको याद दिलाना चाहते हैं कि नीचे दिए गए बिलों के भुगतान की तारीख़ कुछ दिनों में "
        "है:\n\n{invoices}\n\nकुल राशि: {amount}" + _CLOSE_HI),
    LevelDefault(
        1, Tone.FRIENDLY, "email,sms", False, False, False,
        "Payment reminder: {creditor}",
        "Dear {debtor},\n\nThe following invoices fell due yesterday and we have not yet received "
        "payment:\n\n{invoices}\n\nTotal outstanding: {amount}" + _CLOSE_EN,
        "भुगतान अनुस्मारक: {creditor}",
        "प्रिय {debtor},\n\nनीचे दिए गए बिलों के भुगतान की तारीख़ कल थी और हमें अभी तक भुगतान नहीं मिला "
        "है:\n\n{invoices}\n\nकुल बकाया: {amount}" + _CLOSE_HI),
    LevelDefault(
        7, Tone.FRIENDLY, "email,sms", False, False, True,
        "Second reminder: invoices overdue, {creditor}",
        "Dear {debtor},\n\nThe following invoices are now a week overdue:\n\n{invoices}\n\n"
        "Total outstanding: {amount}\n\nIf something is holding the payment up, please tell us "
        "through the link below so that we can sort it out." + _CLOSE_EN,
        "दूसरा अनुस्मारक: बकाया बिल, {creditor}",
        "प्रिय {debtor},\n\nनीचे दिए गए बिल एक सप्ताह से बकाया हैं:\n\n{invoices}\n\nकुल बकाया: {amount}"
        "\n\nयदि भुगतान में कोई रुकावट है, तो कृपया नीचे दिए गए लिंक से हमें बताएँ ताकि हम उसे सुलझा "
        "सकें।" + _CLOSE_HI),
    LevelDefault(
        15, Tone.FIRM, "email,sms,whatsapp", True, False, True,
        "Overdue invoices and interest: {creditor}",
        "Dear {debtor},\n\nThe following invoices remain unpaid, fifteen days after they fell due:"
        "\n\n{invoices}\n\nTotal outstanding: {amount}{interest_line}\n\nPlease pay or tell us when "
        "you will pay." + _CLOSE_EN,
        "बकाया बिल और ब्याज: {creditor}",
        "प्रिय {debtor},\n\nनीचे दिए गए बिल अपनी तारीख़ के पंद्रह दिन बाद भी बकाया हैं:\n\n{invoices}\n\n"
        "कुल बकाया: {amount}{interest_line}\n\nकृपया भुगतान करें या बताएँ कि आप कब भुगतान करेंगे।"
        + _CLOSE_HI),
    LevelDefault(
        30, Tone.FINAL, "email,sms,whatsapp", True, True, True,
        "Last reminder before a legal notice: {creditor}",
        "Dear {debtor},\n\nThe following invoices are thirty days overdue:\n\n{invoices}\n\n"
        "Total outstanding: {amount}{interest_line}{msefc_line}\n\nThis is our last reminder. If the "
        "amount remains unpaid, we intend to ask our advocate to send a legal notice." + _CLOSE_EN,
        "क़ानूनी नोटिस से पहले अंतिम अनुस्मारक: {creditor}",
        "प्रिय {debtor},\n\nनीचे दिए गए बिल तीस दिन से बकाया हैं:\n\n{invoices}\n\n"
        "कुल बकाया: {amount}{interest_line}{msefc_line}\n\nयह हमारा अंतिम अनुस्मारक है। यदि राशि बकाया "
        "रहती है, तो हम अपने अधिवक्ता से क़ानूनी नोटिस भेजने के लिए कहना चाहते हैं।" + _CLOSE_HI),
)

INTEREST_LINE = {
    "en": "\nInterest under section 16 of the MSMED Act, 2006 accrued so far: {interest} "
          "(compound, monthly rests, three times the RBI Bank Rate).",
    "hi": "\nएमएसएमईडी अधिनियम, 2006 की धारा 16 के तहत अब तक का ब्याज: {interest} "
          "(चक्रवृद्धि, मासिक, आरबीआई बैंक दर का तीन गुना)।",
}
MSEFC_LINE = {
    "en": "\nAs a micro or small enterprise registered on Udyam, we may refer the matter to the Micro "
          "and Small Enterprise Facilitation Council through the MSME ODR portal.",
    "hi": "\nउद्यम पर पंजीकृत सूक्ष्म या लघु उद्यम होने के नाते, हम यह मामला एमएसएमई ओडीआर पोर्टल के माध्यम से "
          "सूक्ष्म और लघु उद्यम सुविधा परिषद को भेज सकते हैं।",
}
# The SMS as registered on DLT (template "collection_reminder"): variables creditor, amount, link.
SMS_TEXT = {
    "en": "{creditor}: a reminder that {amount} is due from you. Statement and payment: {link}",
    "hi": "{creditor}: आपकी ओर से {amount} बकाया है। विवरण और भुगतान: {link}",
}
