"""Which signing providers the advocate may choose (config SIGNING_PROVIDERS), and their instances.

The redirect-based providers keep state between the start and the callback (eSign's pending store,
DocuSign's token and connection pool), so each is built once per app and configuration.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from flask import current_app

from portal.accounts import User
from portal.adapters import DocuSignProvider, DocuSignSettings, SigningProvider
from portal.i18n import N_
from portal.security import CSP

PADES, AADHAAR, DOCUSIGN = "pades_dsc", "aadhaar_esign", "docusign"
# English, as marked for the catalogue: a page puts them into its language (`_(label)` in the
# template, gettext in a view); "DocuSign" is the same in every language.
LABELS = {
    PADES: N_("My digital signature certificate (DSC)"),
    AADHAAR: N_("Aadhaar eSign (an OTP to the mobile linked to my Aadhaar)"),
    DOCUSIGN: "DocuSign",
}
# In sentences: "Continue to ...", "A signature with ... was started".
NAMES = {PADES: N_("your digital signature certificate"), AADHAAR: N_("Aadhaar eSign"), DOCUSIGN: "DocuSign"}
# The settings without which a provider cannot work; the rest have defaults.
REQUIRED = {
    PADES: (),
    AADHAAR: ("ESIGN_ESP_URL", "ESIGN_ASP_ID", "ESIGN_ASP_KEY", "ESIGN_ASP_CERT", "ESIGN_ESP_CERT",
              "ESIGN_RESPONSE_URL"),
    # Without Connect secrets a decline or a completion could never be confirmed by DocuSign's webhook.
    DOCUSIGN: ("DOCUSIGN_INTEGRATION_KEY", "DOCUSIGN_USER_ID", "DOCUSIGN_PRIVATE_KEY",
               "DOCUSIGN_CONNECT_SECRETS"),
}
_PREFIX = {AADHAAR: "ESIGN_", DOCUSIGN: "DOCUSIGN_"}
_CACHE = "signing_providers"


def enabled_providers(config: Mapping) -> list[str]:
    """The providers to offer, in the configured order: listed, known and fully configured."""
    return [name for name in config.get("SIGNING_PROVIDERS") or ()
            if name in REQUIRED and all(config.get(key) for key in REQUIRED[name])]


def signing_choices(notice) -> dict:
    """For the notice page: the methods offered, and the last attempt while the notice awaits signing.
    Labels and names are the English of LABELS and NAMES: the template translates them."""
    from notices.signing.ceremonies import latest_for
    from notices.states import NoticeStatus

    profile = notice.case.advocate.advocate_profile if notice.case.advocate else None
    return {"providers": [(name, LABELS[name]) for name in enabled_providers(current_app.config)],
            "names": NAMES, "last": latest_for(notice) if notice.status == NoticeStatus.APPROVED else None,
            # The DSC is on a token: the sign form asks for its PIN (typed each time, never stored).
            "token": profile.signing_token_label if profile else None}


def provider_for(name: str, actor: User | None = None, *, pin: str | None = None) -> SigningProvider:
    """The provider called `name`; PAdES signs with `actor`'s own DSC, so it is built per signer
    (with `pin` when that DSC is on a token)."""
    if name == PADES:
        from notices.signing.signatures import advocate_key_material
        from portal.adapters import PadesProvider

        return PadesProvider(advocate_key_material(actor, pin))
    config = current_app.config
    fingerprint = tuple(sorted((k, str(v)) for k, v in config.items() if k.startswith(_PREFIX[name])))
    cache = current_app.extensions.setdefault(_CACHE, {})
    provider = cache.get((name, fingerprint))
    if provider is None:
        provider = cache[(name, fingerprint)] = _build(name, config)
    return provider


def _build(name: str, config: Mapping) -> SigningProvider:
    if name == AADHAAR:
        from portal.adapters import AadhaarESignProvider

        return AadhaarESignProvider.from_config(config)

    return DocuSignProvider(DocuSignSettings.from_config(config))


def close_providers(app) -> None:
    """Close pooled connections and forget the instances (a worker stopping, a test finishing)."""
    for provider in app.extensions.pop(_CACHE, {}).values():
        close = getattr(provider, "close", None) or getattr(getattr(provider, "store", None), "close", None)
        if close:
            close()


def form_targets(config: Mapping) -> list[str]:
    """Origins our pages may post a form to: the ESP receives the signed eSign request that way."""
    if AADHAAR not in enabled_providers(config):
        return []
    parts = urlsplit(config["ESIGN_ESP_URL"])
    return [f"{parts.scheme}://{parts.netloc}"]


class HandOverPolicy(Mapping):
    """The site's CSP, except that the hand-over page may post its form to the eSign Service Provider."""

    def _policy(self) -> dict:
        return CSP | {"form-action": " ".join(["'self'", *form_targets(current_app.config)])}

    def __getitem__(self, key):
        return self._policy()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._policy())

    def __len__(self) -> int:
        return len(self._policy())
