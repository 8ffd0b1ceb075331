"""Fixtures shared by the tests of the formats (helpers: ``helpers.py``)."""

from __future__ import annotations

import pytest
from pyramid.request import Request


@pytest.fixture
def request_() -> Request:
    """The request renderers get (a module may override it)."""
    return Request.blank('/posts/7?x=1')
