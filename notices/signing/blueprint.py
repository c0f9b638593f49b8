"""The signing pages' blueprint: drafting's `notices` one, so their endpoints keep the `notices.` prefix
(url_for("notices.sign_notice"), "notices.verify", "notices.signing_certificate")."""
from notices.drafting.blueprint import bp

__all__ = ["bp"]
