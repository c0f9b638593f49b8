"""Signing pages, on the `notices` blueprint: ceremonies and provider callbacks, the signing key and
the public verification of a signed notice."""
from notices.signing.blueprint import bp
from notices.signing.views import keys, sign, verify  # noqa: F401  (their routes register on bp)

__all__ = ["bp"]
