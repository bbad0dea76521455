"""What every page says of itself: when the clinical content was last reviewed (shown on the
dashboard and in notebook 01), and that it is for education only.

The month comes from one place: update it together with the dated log in
docs/clinical-review.md (a test checks that the two agree).
"""

from __future__ import annotations

from datetime import date

from .i18n import DEFAULT_LANGUAGE, N_, month_year, translator

REVIEWED_ON = date(2026, 12, 1)  # the month of the latest entry in docs/clinical-review.md
CONTENT_REVIEWED = month_year(REVIEWED_ON, "en")  # "December 2026"
REVIEW_LOG = "docs/clinical-review.md"
DISCLAIMER = N_(
    "aml-teach is for education only. It is not a prescribing tool and does not replace the "
    "advice of a qualified healthcare professional; treatment decisions belong to a patient "
    "and their care team."
)


def disclaimer(lang: str = DEFAULT_LANGUAGE) -> str:
    """The disclaimer in ``lang`` (``DISCLAIMER`` is the English)."""
    _ = translator(lang)
    return _(DISCLAIMER)


def reviewed_line(lang: str = DEFAULT_LANGUAGE) -> str:
    """The sentence every page that shows the review date uses, in ``lang``."""
    _ = translator(lang)
    return _("Content reviewed: {month}", month=month_year(REVIEWED_ON, lang))
