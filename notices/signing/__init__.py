"""Signing: the advocate's DSC (uploaded or on a token), signing a notice here or through a provider's
ceremony (Aadhaar eSign, DocuSign), and the public verification of a signed notice."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Add the signing routes to the `notices` blueprint, which notices.drafting registers."""
    # Imported here, when the app is created: the door stays light for workers and other packages.
    import notices.signing.views  # noqa: F401
