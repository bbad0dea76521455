"""Raw HTTP requests: moved to tests/page_client.py (shared by both engines' tests)."""

from __future__ import annotations

from tests.page_client import get, request

__all__ = ["get", "request"]
