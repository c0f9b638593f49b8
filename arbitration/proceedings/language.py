"""The language of the arbitral proceedings (A&C Act s.22), which the award's and a procedural order's
frame (headings, recitals, parties, operative labels, signature block) are written in."""
from __future__ import annotations

from notices import debtor_language
from portal.cases import Case


def proceedings_language(case: Case) -> str:
    """Under s.22 the parties may agree the language of the proceedings, failing which the tribunal
    determines it. Sulah records neither yet, so the respondent's recorded language decides: that of
    its demand notice (notices.debtor_language). A respondent addressed in Hindi gets the award and
    the orders framed in Hindi; the arbitrator's own text stays as written."""
    return debtor_language(case)


def template_for(name: str, language: str) -> str:
    """pdf/<name>.hi.html for a Hindi document, pdf/<name>.html (the English) otherwise."""
    return f"pdf/{name}.hi.html" if language == "hi" else f"pdf/{name}.html"
