"""Clients generated from the demo's OpenAPI document work against it.

The demo runs under ``pserve`` (waitress) in a subprocess, from a copy of
``demo/development.ini`` in a temporary folder (its SQLite file lands
there) that listens on a free port of 127.0.0.1 and publishes only JSON
(``restkit.openapi.media_types = json``, the setting meant for generated
clients).  Then, from ``/openapi.json``:

* openapi-python-client (PyPI) generates a Python client, with no
  warning; the test imports it, gets a bearer token with a password
  (HTTP Basic) and creates, lists, updates and deletes a post with it
  (``raise_on_unexpected_status``: a status the document does not list
  fails);
* openapi-typescript (npm) generates the types of a TypeScript client,
  ``tests/clients/crud.ts`` uses them with openapi-fetch; ``tsc
  --noEmit`` (strict) finds no error; compiled, node runs it against
  the demo: the same steps.

The npm packages are pinned in ``tests/clients/package-lock.json`` and
installed with ``npm ci`` in a temporary folder, beside the generated
code: nothing is written to the source tree.  Without Node.js and npm
(or openapi-python-client) the tests are skipped, unless
``RESTKIT_REQUIRE_CLIENTS=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import base64
import importlib
import inspect
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
INI = ROOT / 'demo' / 'development.ini'
CLIENTS = ROOT / 'tests' / 'clients'
#: The virtualenv's scripts (pserve, openapi-python-client, ruff).
BIN = Path(sys.executable).parent
#: What tests/clients/ holds, copied beside the generated code.
TS_FILES = ('package.json', 'package-lock.json', 'tsconfig.json', 'crud.ts')
#: The package openapi-python-client names after the document's title.
PACKAGE = 'demo_blog_api_client'
#: Each external step's limit, in seconds (all together take ~30 s).
STEP_TIMEOUT = 300
#: A demo user's password login (the clients write: writing needs one).
ALICE = 'Basic ' + base64.b64encode(b'alice:wonderland').decode('ascii')


def required(what: str) -> None:
    """Skip for lack of ``what``, or fail when the clients are required."""
    if os.environ.get('RESTKIT_REQUIRE_CLIENTS') == '1':
        pytest.fail(f'{what} is required (RESTKIT_REQUIRE_CLIENTS=1)')
    pytest.skip(f'{what} is not installed')


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> str:
    """Run ``command``; its output (stdout and stderr), asserting success."""
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=STEP_TIMEOUT,
    )
    assert done.returncode == 0, f'{command}:\n{done.stdout[-20000:]}'
    return done.stdout


@pytest.fixture(scope='module')
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo's base URL, served by pserve from a copy of its ini."""
    folder = tmp_path_factory.mktemp('demo')
    text = INI.read_text(encoding='utf-8')
    for old, new in [
        ('[app:main]\n', '[app:main]\nrestkit.openapi.media_types = json\n'),
        # NOTE: port 0: waitress takes a free one and says which.
        ('listen = 127.0.0.1:6543\n', 'listen = 127.0.0.1:0\n'),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    ini = folder / 'development.ini'
    ini.write_text(text, encoding='utf-8')
    log = folder / 'server.log'
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    with log.open('w', encoding='utf-8') as out:
        server = subprocess.Popen(
            [str(BIN / 'pserve'), str(ini)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            found = re.search(
                r'Serving on (http://127\.0\.0\.1:\d+)',
                log.read_text(encoding='utf-8'),
            )
            if found:
                break
            assert server.poll() is None, log.read_text(encoding='utf-8')
            assert time.monotonic() < deadline, log.read_text('utf-8')
            time.sleep(0.1)
        yield found.group(1)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_published_document_is_json_only(demo: str) -> None:
    with urllib.request.urlopen(f'{demo}/openapi.json', timeout=10) as res:
        document = json.load(res)
    content_types = {
        content_type
        for item in document['paths'].values()
        for operation in item.values()
        for part in (
            operation.get('requestBody', {}),
            *operation['responses'].values(),
        )
        for content_type in part.get('content', {})
    }
    assert content_types == {'application/json', 'application/problem+json'}
    # and the runtime still serves the others
    request = urllib.request.Request(
        f'{demo}/posts', headers={'Accept': 'application/yaml'}
    )
    with urllib.request.urlopen(request, timeout=10) as res:
        assert res.headers['Content-Type'] == 'application/yaml'


# -- Python: openapi-python-client --------------------------------------------


@pytest.fixture
def python_client(
    demo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """The generated package, imported from ``tmp_path``."""
    generator = BIN / 'openapi-python-client'
    if not generator.exists():
        required('openapi-python-client')
    output = run(
        [
            str(generator),
            'generate',
            '--url',
            f'{demo}/openapi.json',
            '--output-path',
            str(tmp_path / PACKAGE),
            '--meta',
            'none',
            '--fail-on-warning',
        ],
        cwd=tmp_path,
        # NOTE: its post hooks run ruff (a dependency of it) from PATH.
        env={**os.environ, 'PATH': f'{BIN}{os.pathsep}{os.environ["PATH"]}'},
    )
    assert 'warning' not in output.lower(), output
    assert 'error' not in output.lower(), output
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        for name in list(sys.modules):
            if name == PACKAGE or name.startswith(PACKAGE + '.'):
                del sys.modules[name]


def test_python_client(python_client: Any, demo: str) -> None:
    api = importlib.import_module(f'{PACKAGE}.api.posts')
    login = importlib.import_module(f'{PACKAGE}.api.login')
    models = importlib.import_module(f'{PACKAGE}.models')
    posts = {
        name: importlib.import_module(f'{api.__name__}.{name}')
        for name in (
            'posts_collection_get',
            'posts_collection_post',
            'posts_get',
            'posts_patch',
            'posts_delete',
        )
    }
    # Typed as they are: an int id (not a class made of an allOf), one
    # enum for ?format=, a required body, the error items named.
    get = inspect.signature(posts['posts_get'].sync)
    assert get.parameters['id'].annotation is int
    assert 'Format' in str(get.parameters['format_'].annotation)
    create = inspect.signature(posts['posts_collection_post'].sync)
    assert create.parameters['body'].annotation is models.PostSchema
    assert {'Format', 'Problem', 'ValidationError'} <= set(dir(models))
    # A token, for the password (HTTP Basic), then the token's client.
    new_token = importlib.import_module(
        f'{login.__name__}.tokens_collection_post'
    )
    anonymous = python_client.Client(
        base_url=demo, raise_on_unexpected_status=True
    )
    with anonymous:
        refused = posts['posts_collection_post'].sync_detailed(
            client=anonymous, body=models.PostSchema(title='t', body='b')
        )
        assert refused.status_code == 401
        assert isinstance(refused.parsed, models.Problem)
    with python_client.Client(
        base_url=demo,
        headers={'Authorization': ALICE},
        raise_on_unexpected_status=True,
    ) as password:
        given = new_token.sync(client=password)
    assert isinstance(given, models.TokenOut)
    assert given.token_type == 'Bearer'
    client = python_client.AuthenticatedClient(
        base_url=demo,
        token=given.access_token,
        raise_on_unexpected_status=True,
    )
    with client:
        created = posts['posts_collection_post'].sync_detailed(
            client=client,
            body=models.PostSchema(title='From Python', body='Generated.'),
        )
        assert created.status_code == 201
        post = created.parsed
        assert isinstance(post, models.PostOut)
        assert (post.title, post.published, post.tags, post.author) == (
            'From Python',
            False,
            [],
            'alice',
        )
        assert created.headers['Location'] == f'{demo}/posts/{post.id}'
        page = posts['posts_collection_get'].sync(client=client, limit=100)
        assert isinstance(page, models.PostOutCountedPage)
        assert page.total >= 1
        assert post.id in [item.id for item in page.items]
        patched = posts['posts_patch'].sync(
            post.id,
            client=client,
            body=models.PostSchemaPartial(published=True, tags=['py']),
        )
        assert isinstance(patched, models.PostOut)
        assert (patched.title, patched.published, patched.tags) == (
            'From Python',
            True,
            ['py'],
        )
        invalid = posts['posts_collection_post'].sync(
            client=client, body=models.PostSchema(title='', body='x')
        )
        assert isinstance(invalid, models.Problem)
        assert invalid.status == 400
        (error,) = invalid.errors
        assert isinstance(error, models.ValidationError)
        assert (error.location.value, error.name) == ('body', 'title')
        deleted = posts['posts_delete'].sync_detailed(post.id, client=client)
        assert deleted.status_code == 204
        gone = posts['posts_get'].sync(post.id, client=client)
        assert isinstance(gone, models.Problem)
        assert gone.status == 404


# -- TypeScript: openapi-typescript and openapi-fetch -------------------------


def test_typescript_client(demo: str, tmp_path: Path) -> None:
    npm, node = shutil.which('npm'), shutil.which('node')
    if npm is None or node is None:
        required('Node.js (node and npm)')
    for name in TS_FILES:
        shutil.copy(CLIENTS / name, tmp_path / name)
    run([npm, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], tmp_path)
    tools = tmp_path / 'node_modules' / '.bin'
    # NOTE: its default makes a property with a default required, even
    # in a request body when the schema is a component: the kit writes
    # defaults in input schemas only, which clients may leave out.
    output = run(
        [
            str(tools / 'openapi-typescript'),
            f'{demo}/openapi.json',
            '--output',
            'api.d.ts',
            '--default-non-nullable',
            'false',
        ],
        tmp_path,
    )
    assert 'warn' not in output.lower() and '⚠' not in output, output
    types = (tmp_path / 'api.d.ts').read_text(encoding='utf-8')
    assert 'ValidationError: {' in types
    assert 'Format: "json";' in types
    # strict type check: crud.ts against the generated types
    assert run([str(tools / 'tsc'), '--noEmit', '-p', '.'], tmp_path) == ''
    # then only compile (checked just above) and run it
    run([str(tools / 'tsc'), '--noCheck', '-p', '.'], tmp_path)
    output = run([node, str(tmp_path / 'dist' / 'crud.js'), demo], tmp_path)
    assert re.fullmatch(
        r'created, listed, patched and deleted post \d+\n', output
    ), output
