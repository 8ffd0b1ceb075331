"""Shared fixtures: a real Configurator (autocommit off) and a TestApp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator


@pytest.fixture
def settings() -> dict[str, Any]:
    """Override in a test module to change the ``restkit.*`` settings."""
    return {}


@pytest.fixture
def config(settings: dict[str, Any]) -> Iterator[Configurator]:
    # NOTE: a real Configurator, as applications build it (testing.setUp
    # lacks the default exception response view); autocommit stays off so
    # conflicts are real.
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    config.begin()
    yield config
    config.end()


@pytest.fixture
def make_app(config: Configurator) -> Callable[[], webtest.TestApp]:
    """Commit ``config`` and wrap its WSGI app (call after registering)."""

    def make() -> webtest.TestApp:
        return webtest.TestApp(config.make_wsgi_app())

    return make
