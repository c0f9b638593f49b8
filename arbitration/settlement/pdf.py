"""The settlement agreement as a document: its wording (parties, sum, schedule, default clause, what
happens to the proceedings, the statutory basis) and the page recording how each party agreed.

The unsigned PDF is what every party accepts (by its SHA-256); the final PDF is the same text plus the
signature and acceptance page, which the platform then seals (seal.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from arbitration.settlement.terms import SettlementTerms
from notices import debtor_language
from portal.cases import Case, CaseStatus
from portal.pdf import render_pdf
from portal.types import to_ist, utcnow

STYLESHEETS = ("base.css", "settlement.css")
OTP_WORDING = "accepted electronically by one-time code, not signed with a digital signature"
OTP_WORDING_HI = "वन-टाइम कोड से इलेक्ट्रॉनिक रूप में स्वीकार किया गया, डिजिटल हस्ताक्षर से हस्ताक्षरित नहीं"
# The creditor's side works in English (Sulah records no other language for an organisation); the
# debtor's language is that of its demand notice (notices.debtor_language).
CREDITOR_LANGUAGE = "en"


@dataclass(frozen=True)
class Basis:
    """Under what law the agreement binds, and what it does to the proceedings."""

    kind: str                  # "conciliation", "arbitration" or "negotiation"
    title: str
    paragraphs: tuple[str, ...]


def basis_for(case: Case, *, neutral_required: bool) -> Basis:
    if case.status == CaseStatus.IN_ARBITRATION:
        return Basis("arbitration", "Settlement during arbitral proceedings", (
            "The parties settle the dispute during the arbitral proceedings. Under section 30 of the "
            "Arbitration and Conciliation Act, 1996, they request the arbitral tribunal to terminate the "
            "proceedings and record this settlement as an arbitral award on agreed terms, which has the "
            "same status and effect as any other arbitral award on the substance of the dispute.",))
    if neutral_required:
        return Basis("conciliation", "Settlement agreement in conciliation", (
            "This agreement is reached in conciliation. Under section 73 of the Arbitration and "
            "Conciliation Act, 1996, once signed by the parties and authenticated by the conciliator it is "
            "final and binding on the parties and persons claiming under them, and under section 74 it has "
            "the same status and effect as an arbitral award on agreed terms under section 30.",
            "Where the neutral acted as mediator, a mediated settlement agreement signed by the parties and "
            "authenticated by the mediator is final and binding and enforceable as a decree under the "
            "Mediation Act, 2023.",
            "Section 3A and the Second Schedule of the Information Technology Act, 2000 recognise a "
            "digital signature certificate or Aadhaar eSign as a signature. A party who only accepted by "
            "one-time code has not signed in that sense; this is shown on the last page."))
    return Basis("negotiation", "Settlement agreement", (
        "This agreement is reached by direct negotiation between the parties. It is a contract formed by "
        "electronic means, valid under section 10A of the Information Technology Act, 2000 and the Indian "
        "Contract Act, 1872, and an electronic record satisfying any requirement of writing under section 4 "
        "of that Act.",))


# The same bases in Hindi, by kind, for the Hindi text of a bilingual agreement.
BASIS_HI = {
    "arbitration": ("माध्यस्थम् कार्यवाही के दौरान समझौता", (
        "पक्षकार माध्यस्थम् कार्यवाही के दौरान विवाद का समझौता करते हैं। माध्यस्थम् और सुलह अधिनियम, 1996 की "
        "धारा 30 के अंतर्गत वे माध्यस्थम् अधिकरण से अनुरोध करते हैं कि कार्यवाही समाप्त की जाए और इस समझौते को "
        "सहमत शर्तों पर माध्यस्थम् पंचाट के रूप में दर्ज किया जाए, जिसकी विवाद के सार पर वही स्थिति और प्रभाव है "
        "जो किसी अन्य माध्यस्थम् पंचाट का होता है।",)),
    "conciliation": ("सुलह में समझौता करार", (
        "यह करार सुलह में हुआ है। माध्यस्थम् और सुलह अधिनियम, 1996 की धारा 73 के अंतर्गत, पक्षकारों के "
        "हस्ताक्षर और सुलहकर्ता के अधिप्रमाणन के बाद यह पक्षकारों और उनके अधीन दावा करने वाले व्यक्तियों पर "
        "अंतिम और बाध्यकारी है, और धारा 74 के अंतर्गत इसकी वही स्थिति और प्रभाव है जो धारा 30 के अंतर्गत "
        "सहमत शर्तों पर माध्यस्थम् पंचाट का होता है।",
        "जहाँ तटस्थ व्यक्ति ने मीडिएटर के रूप में कार्य किया, वहाँ पक्षकारों द्वारा हस्ताक्षरित और मीडिएटर "
        "द्वारा अधिप्रमाणित मध्यस्थता समझौता करार अंतिम और बाध्यकारी है, और मध्यस्थता अधिनियम, 2023 के अंतर्गत "
        "डिक्री की तरह प्रवर्तनीय है।",
        "सूचना प्रौद्योगिकी अधिनियम, 2000 की धारा 3A और दूसरी अनुसूची डिजिटल हस्ताक्षर प्रमाणपत्र या आधार "
        "ई-साइन को हस्ताक्षर मानती हैं। जिस पक्षकार ने केवल वन-टाइम कोड से स्वीकृति दी है, उसके हस्ताक्षर इस "
        "अर्थ में नहीं हुए हैं; यह अंतिम पृष्ठ पर दिखाया गया है।")),
    "negotiation": ("समझौता करार", (
        "यह करार पक्षकारों के बीच सीधी बातचीत से हुआ है। यह इलेक्ट्रॉनिक माध्यम से बनी संविदा है, जो सूचना "
        "प्रौद्योगिकी अधिनियम, 2000 की धारा 10A और भारतीय संविदा अधिनियम, 1872 के अंतर्गत मान्य है, और ऐसा "
        "इलेक्ट्रॉनिक अभिलेख है जो उस अधिनियम की धारा 4 के अंतर्गत लिखित रूप की हर अपेक्षा पूरी करता है।",)),
}


def bilingual(case: Case) -> bool:
    """Whether the agreement carries a Hindi text beside the English: when the parties' languages
    differ, as is customary for a contract between parties who read different languages. A party must
    be able to read what it agrees to (free consent, Contract Act s.13-s.14), so the debtor addressed in
    Hindi gets the whole agreement in Hindi too. Both texts are one document, accepted by one hash. The
    English text prevails if they differ: it is the text a court or tribunal enforcing the agreement
    (or the award recording it) works from, English being the language of the High Courts
    (Constitution Art. 348(1)); the document says so in both languages."""
    return debtor_language(case) != CREDITOR_LANGUAGE


# The clauses of `consequence`, in each language the agreement is written in.
CLAUSES = {
    "en": ("This agreement settles all claims made in case {reference}. While the debtor pays as "
           "scheduled, the creditor will not begin or continue any arbitration, suit or other proceeding "
           "on those claims.",
           "The pending arbitral proceedings end with the award on agreed terms.",
           "When every instalment has been paid the claims are discharged in full and the case is closed.",
           "Default: if an instalment is not paid in full within {grace_days} days after its due date, the "
           "debtor is in default. The whole unpaid balance of the settlement sum then falls due at once, "
           "both parties are told, and the creditor may invoke arbitration (or, where this agreement has "
           "the status of an award, enforce it) for that balance."),
    "hi": ("यह करार मामला {reference} में किए गए सभी दावों का निपटारा करता है। जब तक अनुसूची के अनुसार भुगतान "
           "होता रहे, तब तक लेनदार की ओर से उन दावों पर कोई माध्यस्थम्, वाद या अन्य कार्यवाही न शुरू की जाएगी, "
           "न जारी रखी जाएगी।",
           "लंबित माध्यस्थम् कार्यवाही सहमत शर्तों पर पंचाट के साथ समाप्त होती है।",
           "हर किस्त का भुगतान हो जाने पर दावे पूरी तरह उन्मोचित हो जाते हैं और मामला बंद कर दिया जाता है।",
           "चूक: यदि कोई किस्त अपनी देय तिथि के बाद {grace_days} दिनों के भीतर पूरी नहीं चुकाई जाती, तो देनदार "
           "की ओर से चूक मानी जाएगी। तब समझौता राशि का पूरा बकाया तुरंत देय हो जाएगा, दोनों पक्षकारों को सूचित "
           "किया जाएगा, और उस बकाया के लिए लेनदार को माध्यस्थम् का आह्वान करने का (या, जहाँ इस करार की स्थिति "
           "पंचाट की है, उसे प्रवर्तित कराने का) अधिकार होगा।"),
}


def consequence(case: Case, basis: Basis, grace_days: int, language: str = "en") -> tuple[str, ...]:
    """What the agreement does to the claim and the proceedings, and what a default does."""
    settles, ends, discharged, default = CLAUSES[language]
    first = (settles.format(reference=case.reference),) + ((ends,) if basis.kind == "arbitration" else ())
    return (*first, discharged, default.format(grace_days=grace_days))


def grace_days() -> int:
    return int(current_app.config.get("SETTLEMENT_GRACE_DAYS", 7))


def render(case: Case, terms: SettlementTerms, *, version: int, neutral_required: bool,
           signatures=(), unsigned_sha256: str = "", seal_demo: bool = False) -> bytes:
    """The agreement; with `signatures`, the final version with the page recording them."""
    basis = basis_for(case, neutral_required=neutral_required)
    return render_pdf("pdf/settlement.html", stylesheets=STYLESHEETS, case=case, terms=terms,
                      version=version, basis=basis, clauses=consequence(case, basis, grace_days()),
                      neutral=case.neutral if neutral_required else None, signatures=list(signatures),
                      unsigned_sha256=unsigned_sha256, otp_wording=OTP_WORDING, seal_demo=seal_demo,
                      generated_ist=to_ist(utcnow()), **hindi_text(case, basis, bilingual(case)))


def hindi_text(case: Case, basis: Basis, two_languages: bool) -> dict:
    """The template's Hindi words when the agreement is bilingual (`bilingual`), else none."""
    if not two_languages:
        return {"bilingual": False}
    title, paragraphs = BASIS_HI[basis.kind]
    return {"bilingual": True, "basis_hi": Basis(basis.kind, title, paragraphs),
            "clauses_hi": consequence(case, basis, grace_days(), "hi"), "otp_wording_hi": OTP_WORDING_HI}
