"""What every page says of itself: when the clinical content was last reviewed (shown on the
dashboard and in notebook 01), and that it is for education only.

The month comes from one place: update it together with the dated log in
docs/clinical-review.md (a test checks that the two agree).
"""

from __future__ import annotations

CONTENT_REVIEWED = "December 2026"
REVIEW_LOG = "docs/clinical-review.md"
DISCLAIMER = (
    "aml-teach is for education only. It is not a prescribing tool and does not replace the "
    "advice of a qualified healthcare professional; treatment decisions belong to a patient "
    "and their care team."
)


def reviewed_line() -> str:
    """The sentence every page that shows the review date uses."""
    return f"Content reviewed: {CONTENT_REVIEWED}"
