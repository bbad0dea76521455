"""When the clinical content was last reviewed, shown on the dashboard and in notebook 01.

The month comes from one place: update it together with the dated log in
docs/clinical-review.md (a test checks that the two agree).
"""

from __future__ import annotations

CONTENT_REVIEWED = "November 2026"
REVIEW_LOG = "docs/clinical-review.md"


def reviewed_line() -> str:
    """The sentence every page that shows the review date uses."""
    return f"Content reviewed: {CONTENT_REVIEWED}"
