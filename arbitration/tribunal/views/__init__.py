"""The tribunal's pages. Importing each view module here adds its routes to the blueprint."""
# In the order the routes were added before the split (the case's tribunal page first).
from arbitration.tribunal.views import tribunal, panel  # noqa: I001
from arbitration.tribunal.blueprint import bp

__all__ = ["bp", "tribunal", "panel"]
