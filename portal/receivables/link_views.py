"""placeholder during migration generation"""
from portal.receivables.blueprint import bp  # noqa: F401
