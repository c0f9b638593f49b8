"""The words a person reads for a stored value: enum values as plain labels, delivery events as a
sentence. Keyed by the stored string, so the kernel names no feature's enum."""
from __future__ import annotations

from portal.web.labels_hi import HINDI

# A value whose words alone would read wrongly; everything else is its words with acronyms in capitals.
LABELS = {
    "msmed_invoice": "MSMED invoice (delayed payment to a micro or small enterprise)",
    "commercial_invoice": "Commercial invoice",
    "cheque_dishonour": "Dishonoured cheque (NI Act s.138)",
    "otp_acceptance": "accepted by one-time code",
    "dsc": "digital signature certificate",
    "odr_invite": "invitation to online dispute resolution",
    "post": "registered or speed post",
    "email": "e-mail",
    "whatsapp": "WhatsApp",
    "in_odr": "in online dispute resolution",
}
ACRONYMS = {"msmed": "MSMED", "neft": "NEFT", "rtgs": "RTGS", "imps": "IMPS", "upi": "UPI", "sms": "SMS",
            "odr": "ODR", "gst": "GST", "utr": "UTR", "pdf": "PDF", "msefc": "MSEFC", "gstin": "GSTIN"}


def label(value, language: str | None = "en") -> str:
    """'msmed_invoice' → 'MSMED invoice (…)', 'neft' → 'NEFT', 'notice_signed' → 'notice signed';
    with language "hi" the Hindi words (English where a value has none yet)."""
    key = str(getattr(value, "value", value))
    if (language or "en")[:2] == "hi" and key in HINDI:
        return HINDI[key]
    if key in LABELS:
        return LABELS[key]
    return " ".join(ACRONYMS.get(word, word) for word in key.split("_"))


_CHANNEL_WORDS = {"email": "by e-mail", "sms": "by SMS", "whatsapp": "on WhatsApp", "post": "by post"}


def event_sentence(kind, channel=None, address: str | None = None) -> str:
    """What a delivery event means, as a sentence for the people on the case; the provider's own
    words (an SMTP reply, a message id) stay in the technical detail beside it."""
    kind = str(getattr(kind, "value", kind))
    channel = str(getattr(channel, "value", channel)) if channel is not None else ""
    how = _CHANNEL_WORDS.get(channel, "")
    to = f" to {address}" if address else ""
    sentences = {
        "queued": f"Waiting to be sent {how}{to}.",
        "dispatched": (f"Handed over {how}{to}: sent out of the sender's control (IT Act s.13(1))."
                       if channel != "post" else f"Posted{to}."),
        "accepted": (f"Accepted by the receiving mail server{' for ' + address if address else ''}."
                     if channel == "email" else f"Accepted by the provider for delivery{to}."),
        "delivered": f"Delivered{to}.",
        "read": f"Read{' on ' + address if address else ''}.",
        "bounced": f"Not delivered: the message{to} came back.",
        "opened": f"The message{to} was opened.",
        "viewed": "The debtor opened the notice through the personal link.",
        "acknowledged": "The debtor confirmed receiving the notice.",
        "retry": f"A temporary failure sending {how}{to}; it will be tried again.",
        "deferred": "Held back until the contact hours (08:00 to 19:00 IST) or the daily limit allow.",
        "failed": f"Could not be sent {how}{to}.",
        "recorded": f"A postal step was recorded{' for ' + address if address else ''}.",
    }
    return " ".join(sentences.get(kind, f"{label(kind).capitalize()}{to}.").split())
