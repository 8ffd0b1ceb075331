"""The demo's OpenAPI document, checked by third-party tools.

The demo is served by waitress on 127.0.0.1 (a thread of the test
process, so the kit's code counts for coverage) and is then

* read back from ``/openapi.json`` and validated by
  ``openapi-spec-validator``;
* tested by schemathesis (every check, a fixed seed, more than 1000
  cases) through its command line, as a user would run it, logged in
  with a bearer token of a demo user (so that the writes are tried for
  real; its ``ignored_auth`` check sends them without it too);
* shown in headless Chromium (Debian's, ``/usr/bin/chromium``) driven by
  Playwright: the page at ``/docs`` must list the operations.  A
  screenshot goes to ``artifacts/docs.png``.

Without Chromium the browser test is skipped, unless
``RESTKIT_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import restkit_demo
import waitress
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent.parent
ARTIFACTS = ROOT / 'artifacts'
CHROMIUM = '/usr/bin/chromium'

#: schemathesis: the seed, and examples per operation and phase (the
#: demo has 15 operations; the run must reach 1000 cases in all).
SEED = 20261201
MAX_EXAMPLES = 10
MIN_CASES = 1000
OPERATIONS = 15
#: A demo user's password: the run gets a token with it.
ALICE = 'Basic ' + base64.b64encode(b'alice:wonderland').decode('ascii')
#: The hooks (tests/fixtures/schemathesis_hooks.py) say which generated
#: cases cannot be sent as generated, and why.  NOTE: a copy is imported
#: under its own name from a directory of its own, not as
#: ``tests.fixtures...``: a dependency of httplint (sniffpy) installs a
#: top-level ``tests`` package, which this repository's ``tests``
#: directory (no ``__init__.py``) cannot beat, and tests/fixtures itself
#: has packages (``yaml``) that must not shadow real ones.
HOOKS_FILE = ROOT / 'tests' / 'fixtures' / 'schemathesis_hooks.py'
HOOKS = 'restkit_schemathesis_hooks'
#: schemathesis' default statuses, and 412.  A schema-valid request may
#: be refused for the state the server is in: 404 and 409 (its
#: defaults), and 412: a generated If-Match or If-None-Match is valid
#: syntax that the post's current tag need not satisfy (the kit must
#: refuse it, RFC 9110 13.1).  And a request with an invalid body may
#: get its 412 before the body is validated (API.md's order of checks).
SCHEMATHESIS_TOML = """\
[checks.positive_data_acceptance]
expected-statuses = [
    "2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx",
]

[checks.negative_data_rejection]
expected-statuses = [
    "400", "401", "403", "404", "405", "406", "409", "412", "415", "422",
    "428", "429", "5xx",
]
"""


class Server:
    """The demo served by waitress in a thread, on a free local port."""

    def __init__(self, database: Path) -> None:
        app = restkit_demo.main({}, **{'restkit_demo.database': str(database)})
        self.server = waitress.create_server(
            app, host='127.0.0.1', port=0, threads=4
        )
        self.url = f'http://127.0.0.1:{self.server.effective_port}'
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.close()
        self.thread.join(timeout=10)

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        with urllib.request.urlopen(self.url + path, timeout=10) as res:
            return res.status, dict(res.headers), res.read()

    def token(self) -> str:
        """A new bearer token of alice (``POST /tokens``, HTTP Basic)."""
        request = urllib.request.Request(
            self.url + '/tokens',
            method='POST',
            headers={'Authorization': ALICE},
        )
        with urllib.request.urlopen(request, timeout=10) as res:
            token: str = json.load(res)['access_token']
        return token


@pytest.fixture(scope='module')
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    database = tmp_path_factory.mktemp('demo') / 'demo.sqlite'
    with Server(database) as server:
        yield server


def test_openapi_spec_validator_accepts_the_document(server: Server) -> None:
    status, headers, body = server.get('/openapi.json')
    assert status == 200
    assert headers['Content-Type'] == 'application/json'
    document = json.loads(body)
    assert document['openapi'] == '3.1.0'
    validate(document)  # raises on any error
    paths = document['paths']
    assert set(paths) == {
        '/posts',
        '/posts/{id}',
        '/posts/{post_id}/comments',
        '/posts/{post_id}/comments/{id}',
        '/tags',
        '/tags/{tag}',
        '/tokens',
        '/tokens/current',
        '/me',
    }
    # the writes name both logins; the reads none
    assert set(document['components']['securitySchemes']) == {
        'basicAuth',
        'bearerAuth',
    }
    assert 'security' not in paths['/posts']['get']
    assert paths['/posts']['post']['security'] == [
        {'basicAuth': []},
        {'bearerAuth': []},
    ]


@pytest.mark.slow
def test_schemathesis_finds_nothing(server: Server, tmp_path: Path) -> None:
    report = tmp_path / 'report.json'
    hooks = tmp_path / 'hooks'
    hooks.mkdir()
    shutil.copy(HOOKS_FILE, hooks / f'{HOOKS}.py')
    config = tmp_path / 'schemathesis.toml'
    config.write_text(SCHEMATHESIS_TOML)
    command = [
        str(Path(sys.executable).with_name('schemathesis')),
        '--config-file',
        str(config),
        'run',
        f'{server.url}/openapi.json',
        '--checks',
        'all',
        '--seed',
        str(SEED),
        '--header',
        f'Authorization: Bearer {server.token()}',
        # NOTE: revoking the run's token would log every later case out
        # (401s, their checks about nothing); test_demo_security.py
        # tests it.
        '--exclude-path',
        '/tokens/current',
        '--max-examples',
        str(MAX_EXAMPLES),
        '--workers',
        '1',
        '--no-color',
        '--report',
        'json',
        '--report-json-path',
        str(report),
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
        env={
            **os.environ,
            'SCHEMATHESIS_HOOKS': HOOKS,
            'PYTHONPATH': os.pathsep.join((str(hooks), str(ROOT))),
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]
    summary = json.loads(report.read_text())
    cases = _count_cases(summary)
    assert cases >= MIN_CASES, (cases, output[-5000:])


def _count_cases(summary: Any) -> int:
    """The number of test cases schemathesis ran, from its JSON report."""
    assert summary['exit_code'] == 0
    assert summary['failures'] == [] and summary['errors'] == []
    # all but DELETE /tokens/current (excluded above)
    assert summary['operations']['tested'] == OPERATIONS - 1
    return int(summary['test_cases']['generated'])


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        if os.environ.get('RESTKIT_REQUIRE_BROWSER') == '1':
            pytest.fail(f'{CHROMIUM} is required (RESTKIT_REQUIRE_BROWSER=1)')
        pytest.skip(f'{CHROMIUM} is not installed (apt install chromium)')
    return CHROMIUM


def test_docs_page_lists_the_operations_in_chromium(
    server: Server, chromium: str
) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                '--no-sandbox',
                '--disable-gpu',
                '--disable-quic',
                '--no-first-run',
                '--disable-background-networking',
                '--disable-component-update',
                '--disable-sync',
            ],
        )
        try:
            page = browser.new_page(viewport={'width': 1280, 'height': 2000})
            page.on('request', lambda request: requests.append(request.url))
            page.goto(f'{server.url}/docs', wait_until='networkidle')
            page.wait_for_selector('.opblock', timeout=30000)
            operations = page.locator(
                '.opblock-summary-path'
            ).all_inner_texts()
            methods = page.locator('.opblock-summary-method').all_inner_texts()
            title = page.locator('.info .title').inner_text()
            page.screenshot(path=str(ARTIFACTS / 'docs.png'), full_page=True)
        finally:
            browser.close()
    listed = {
        (method.strip(), path.strip().replace('\u200b', ''))
        for method, path in zip(methods, operations, strict=True)
    }
    assert ('GET', '/posts') in listed
    assert ('POST', '/posts') in listed
    assert ('PATCH', '/posts/{id}') in listed
    assert ('DELETE', '/posts/{post_id}/comments/{id}') in listed
    assert ('GET', '/tags/{tag}') in listed
    assert len(listed) == OPERATIONS
    assert title.startswith('Demo blog API')
    # Offline: every request the page made went to the demo itself.
    assert requests
    assert all(url.startswith(server.url) for url in requests), requests
