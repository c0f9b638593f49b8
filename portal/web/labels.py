"""The words a person reads for a stored value: enum values as plain labels, delivery events as a
sentence. Keyed by the stored string, so the kernel names no feature's enum."""
from __future__ import annotations

from portal.i18n import N_, gettext, language
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


_CHANNEL_WORDS = {"email": N_("by e-mail"), "sms": N_("by SMS"), "whatsapp": N_("on WhatsApp"),
                  "post": N_("by post")}
# Each event's sentence with the address it went to, and without one; catalogue messages, so a
# Hindi page (or a forced locale) says them in Hindi.
_SENTENCES = {
    "queued": (N_("Waiting to be sent %(how)s to %(address)s."), N_("Waiting to be sent %(how)s.")),
    "dispatched": (N_("Handed over %(how)s to %(address)s: sent out of the sender's control "
                      "(IT Act s.13(1))."),
                   N_("Handed over %(how)s: sent out of the sender's control (IT Act s.13(1)).")),
    "posted": (N_("Posted to %(address)s."), N_("Posted.")),
    "accepted_email": (N_("Accepted by the receiving mail server for %(address)s."),
                       N_("Accepted by the receiving mail server.")),
    "accepted": (N_("Accepted by the provider for delivery to %(address)s."),
                 N_("Accepted by the provider for delivery.")),
    "delivered": (N_("Delivered to %(address)s."), N_("Delivered.")),
    "read": (N_("Read on %(address)s."), N_("Read.")),
    "bounced": (N_("Not delivered: the message to %(address)s came back."),
                N_("Not delivered: the message came back.")),
    "opened": (N_("The message to %(address)s was opened."), N_("The message was opened.")),
    "viewed": (N_("The debtor opened the notice through the personal link."),) * 2,
    "acknowledged": (N_("The debtor confirmed receiving the notice."),) * 2,
    "retry": (N_("A temporary failure sending %(how)s to %(address)s; it will be tried again."),
              N_("A temporary failure sending %(how)s; it will be tried again.")),
    "deferred": (N_("Held back until the contact hours (08:00 to 19:00 IST) or the daily limit allow."),) * 2,
    "failed": (N_("Could not be sent %(how)s to %(address)s."), N_("Could not be sent %(how)s.")),
    "recorded": (N_("A postal step was recorded for %(address)s."), N_("A postal step was recorded.")),
    None: (N_("%(what)s to %(address)s."), N_("%(what)s.")),
}


def event_sentence(kind, channel=None, address: str | None = None) -> str:
    """What a delivery event means, as a sentence for the people on the case, in the language in
    force; the provider's own words (an SMTP reply, a message id) stay in the technical detail."""
    kind = str(getattr(kind, "value", kind))
    channel = str(getattr(channel, "value", channel)) if channel is not None else ""
    if kind == "dispatched" and channel == "post":
        kind = "posted"
    elif kind == "accepted" and channel == "email":
        kind = "accepted_email"
    with_address, without = _SENTENCES.get(kind, _SENTENCES[None])
    how = gettext(_CHANNEL_WORDS[channel]) if channel in _CHANNEL_WORDS else ""
    what = label(kind, language()).capitalize()
    said = gettext(with_address if address else without, how=how, address=address or "", what=what)
    return " ".join(said.split())
