"""The mandate pages' blueprint: drafting's `notices` one, so their endpoints keep the `notices.` prefix
(url_for("notices.grant_mandate"), "notices.advocate_mandates", …)."""
from notices.drafting.blueprint import bp

__all__ = ["bp"]
