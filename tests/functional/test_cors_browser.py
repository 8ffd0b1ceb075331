"""CORS and the cross-origin protection in a real browser.

An API is served by waitress on one ``127.0.0.1`` port, and pages on two
other ports (two other origins): the API allows the first one only.  In
headless Chromium (Debian's, ``/usr/bin/chromium``, driven by
Playwright), a page calls the API with ``fetch`` (a ``PUT`` with a JSON
body, so the browser sends a preflight first): it succeeds from the
allowed origin and is blocked from the other one.  A cross-site HTML
form ``POST`` with ``_method=DELETE`` is refused and deletes nothing.

Without Chromium the test is skipped, unless ``RESTKIT_REQUIRE_BROWSER=1``
(set by CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import waitress
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound

CHROMIUM = '/usr/bin/chromium'


class Items:
    """An in-memory resource: ``/items/{id}``."""

    store: dict[str, Any] = {}

    def __init__(self, request: Any) -> None:
        self.request = request
        self.id = request.matchdict['id']

    def get(self) -> Any:
        if self.id not in self.store:
            raise HTTPNotFound()
        return self.store[self.id]

    def put(self) -> Any:
        self.store[self.id] = self.request.json_body
        return self.store[self.id]

    def delete(self) -> None:
        self.store.pop(self.id, None)


class Served:
    """A WSGI application served by waitress in a thread."""

    def __init__(self, app: Any) -> None:
        self.seen: list[tuple[str, str]] = []

        def logged(environ: dict[str, Any], start_response: Any) -> Any:
            self.seen.append((environ['REQUEST_METHOD'], environ['PATH_INFO']))
            return app(environ, start_response)

        self.server = waitress.create_server(
            logged, host='127.0.0.1', port=0, threads=2
        )
        self.url = f'http://127.0.0.1:{self.server.effective_port}'
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.close()
        self.thread.join(timeout=10)


def page_app(api: list[str]) -> Any:
    """Pages that call the API: ``/`` (for fetch) and ``/form``."""

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ['PATH_INFO'] == '/form':
            body = (
                f'<form method="post" action="{api[0]}/items/keep">'
                '<input name="_method" value="DELETE">'
                '<button id="go">Delete</button></form>'
            )
        else:
            body = '<p>a page on another origin</p>'
        data = f'<!doctype html><html><body>{body}</body></html>'.encode()
        start_response(
            '200 OK',
            [
                ('Content-Type', 'text/html; charset=utf-8'),
                ('Content-Length', str(len(data))),
            ],
        )
        return [data]

    return app


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get('RESTKIT_REQUIRE_BROWSER') == '1':
            pytest.fail(f'{CHROMIUM} is required (RESTKIT_REQUIRE_BROWSER=1)')
        pytest.skip(f'{CHROMIUM} is not installed (apt install chromium)')
    return CHROMIUM


@pytest.fixture
def servers() -> Iterator[tuple[Served, Served, Served]]:
    api_url: list[str] = []
    allowed = Served(page_app(api_url))
    other = Served(page_app(api_url))
    config = Configurator(
        settings={'restkit.cors.origins': allowed.url}, autocommit=False
    )
    config.include('pyramid_restkit')
    config.add_resource(Items, path='/items/{id}')
    api = Served(config.make_wsgi_app())
    api_url.append(api.url)
    Items.store.clear()
    Items.store['keep'] = {'name': 'kept'}
    try:
        yield api, allowed, other
    finally:
        for served in (api, allowed, other):
            served.close()


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status, json.loads(res.read())
    except urllib.error.HTTPError as error:
        return error.code, None


FETCH_PUT = """async (url) => {
  try {
    const res = await fetch(url, {
      method: 'PUT',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({name: 'from the page'}),
    });
    return {status: res.status, body: await res.json(),
            vary: res.headers.get('Vary')};
  } catch (error) {
    return {error: String(error)};
  }
}"""


def test_fetch_and_forms_across_origins_in_chromium(
    servers: tuple[Served, Served, Served], chromium: str
) -> None:
    from playwright.sync_api import sync_playwright

    api, allowed, other = servers
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                '--no-sandbox',
                '--disable-gpu',
                '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
            ],
        )
        try:
            page = browser.new_page()
            # the allowed origin: a preflight, then the PUT
            page.goto(allowed.url + '/')
            done = page.evaluate(FETCH_PUT, f'{api.url}/items/1')
            assert done == {
                'status': 200,
                'body': {'name': 'from the page'},
                # a header the API does not expose stays hidden
                'vary': None,
            }
            assert api.seen[:2] == [
                ('OPTIONS', '/items/1'),
                ('PUT', '/items/1'),
            ]
            # another origin: the browser stops at the preflight
            api.seen.clear()
            page.goto(other.url + '/')
            blocked = page.evaluate(FETCH_PUT, f'{api.url}/items/2')
            assert 'Failed to fetch' in blocked['error']
            assert api.seen == [('OPTIONS', '/items/2')]
            # a cross-site form tunnelling DELETE, from either page
            for origin in (allowed, other):
                page.goto(origin.url + '/form')
                with page.expect_navigation():
                    page.click('#go')
                assert page.url == f'{api.url}/items/keep'
                assert 'another origin' in page.content()
        finally:
            browser.close()
    assert get(f'{api.url}/items/1') == (200, {'name': 'from the page'})
    assert get(f'{api.url}/items/2') == (404, None)
    # nothing was deleted
    assert get(f'{api.url}/items/keep') == (200, {'name': 'kept'})
    assert ('POST', '/items/keep') in api.seen
