"""The demo as a Pyramid project: its package, ini file, scripts and logs.

``restkit_demo`` is an installed distribution (``demo/pyproject.toml``)
whose ini file names it with ``use = egg:restkit_demo``.  The Pyramid
scripts run as users run them: the virtualenv's console scripts, from
the repository root, without ``PYTHONPATH``.

Each test works on a copy of ``demo/development.ini`` in a temporary
directory, so that its database (``%(here)s/var/demo.sqlite``) lands there
and not in the source tree.  The application behind it is tested in
``test_demo.py``.
"""

from __future__ import annotations

import base64
import importlib.metadata
import importlib.util
import logging
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import restkit_demo
from pyramid.config import Configurator
from pyramid.interfaces import ITweens
from pyramid.paster import get_app
from pyramid.router import Router
from webtest import TestApp

ROOT = Path(__file__).resolve().parent.parent.parent
INI = ROOT / 'demo' / 'development.ini'
#: The virtualenv's scripts: pserve, proutes... beside its python.
BIN = Path(sys.executable).parent
#: What the ini file's [server:main] listens on.
SERVED = 'http://127.0.0.1:6543'
PATHS = '/tags, /posts, /posts/{post_id}/comments, /tokens, /me'
STARTUP = [
    f'Demo blog API at {SERVED} ({PATHS})',
    f'OpenAPI document: {SERVED}/openapi.json',
    f'Docs page: {SERVED}/docs',
]
ACCESS = 'restkit_demo.access'
TWEEN = 'restkit_demo.accesslog.access_log_tween_factory'
#: Writing needs a login: alice's, with HTTP Basic.
ALICE = {
    'HTTP_AUTHORIZATION': 'Basic '
    + base64.b64encode(b'alice:wonderland').decode('ascii')
}


@pytest.fixture(autouse=True)
def demo_loggers() -> Iterator[None]:
    """The demo's loggers as caplog needs them, restored afterwards.

    The demo's ini file gives the access logger a handler of its own and
    ``propagate = 0``; another test that ran its ``setup_logging`` in this
    process would hide the records from caplog.
    """
    saved = []
    for name in ('restkit_demo', ACCESS):
        logger = logging.getLogger(name)
        saved.append(
            (logger, logger.disabled, logger.propagate, logger.handlers[:])
        )
        logger.disabled, logger.propagate = False, True
        logger.handlers[:] = []
    yield
    for logger, disabled, propagate, handlers in saved:
        logger.disabled, logger.propagate = disabled, propagate
        logger.handlers[:] = handlers


@pytest.fixture
def ini(tmp_path: Path) -> str:
    """A copy of ``demo/development.ini``: its database goes in tmp."""
    copy = tmp_path / 'development.ini'
    shutil.copy(INI, copy)
    return str(copy)


def messages(caplog: pytest.LogCaptureFixture, name: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == name]


# -- the package and its entry point ---------------------------------------


def test_the_tests_import_the_installed_package() -> None:
    dist = importlib.metadata.distribution('restkit_demo')
    (entry,) = dist.entry_points.select(group='paste.app_factory')
    assert entry.name == 'main'
    assert entry.load() is restkit_demo.main
    # Editable in the development virtualenv; a copy in site-packages
    # when installed from an sdist or a wheel.
    here = Path(restkit_demo.__file__).resolve()
    assert (
        here == ROOT / 'demo' / 'restkit_demo' / '__init__.py'
        or 'site-packages' in here.parts
    )
    # No module ``demo`` (the layout before) shadows it: at most the
    # folder, a namespace with nothing in it.
    spec = importlib.util.find_spec('demo')
    assert spec is None or spec.origin is None


def test_get_app_loads_the_entry_point(ini: str, tmp_path: Path) -> None:
    app = get_app(ini)
    assert isinstance(app, Router)
    database = tmp_path / 'var' / 'demo.sqlite'
    assert app.registry.settings['restkit_demo.database'] == str(database)
    assert database.is_file()
    # The access log comes from the ini file's pyramid.includes, at the
    # top of the tween chain.
    tweens = app.registry.getUtility(ITweens).implicit()
    assert tweens[0][0] == TWEEN
    test = TestApp(app, extra_environ=ALICE)
    test.post_json('/posts', {'title': 'Hi', 'body': 'b'}, status=201)
    assert test.get('/posts').json['total'] == 1
    assert test.get('/openapi.json').json['info']['title'] == 'Demo blog API'
    assert test.get('/docs').content_type == 'text/html'


def test_the_ini_file_allows_one_cors_origin(ini: str) -> None:
    test = TestApp(get_app(ini), extra_environ=ALICE)
    page = 'http://localhost:8000'
    preflight = test.options(
        '/posts',
        headers={'Origin': page, 'Access-Control-Request-Method': 'POST'},
        status=204,
    )
    assert preflight.headers['Access-Control-Allow-Origin'] == page
    assert 'POST' in preflight.headers['Access-Control-Allow-Methods']
    created = test.post_json(
        '/posts',
        {'title': 'From a page', 'body': 'b'},
        headers={'Origin': page, 'Sec-Fetch-Site': 'same-site'},
        status=201,
    )
    assert created.headers['Access-Control-Allow-Origin'] == page
    # another origin: neither CORS headers nor writes
    other = {'Origin': 'http://localhost:9999', 'Sec-Fetch-Site': 'same-site'}
    refused = test.post_json(
        '/posts', {'title': 'x'}, headers=other, status=403
    )
    assert 'Access-Control-Allow-Origin' not in refused.headers
    # the demo's own pages are same-origin: forms and /docs work as before
    form = test.post(
        '/posts',
        {'title': 'From the form', 'body': 'b'},
        headers={'Sec-Fetch-Site': 'same-origin', 'Accept': 'text/html'},
    )
    assert form.status_int in (201, 303)
    docs = test.get('/docs', headers={'Sec-Fetch-Site': 'same-origin'})
    assert docs.content_type == 'text/html'
    assert (
        test.get('/openapi.json', headers={'Origin': page}).headers[
            'Access-Control-Allow-Origin'
        ]
        == page
    )


# -- the start-up message --------------------------------------------------


def test_startup_message(ini: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger='restkit_demo'):
        app = TestApp(get_app(ini))
    assert messages(caplog, 'restkit_demo') == STARTUP
    assert all(
        r.levelno == logging.INFO
        for r in caplog.records
        if r.name == 'restkit_demo'
    )
    # Where it says: the paths are served.
    for message in STARTUP[1:]:
        app.get(message.rpartition(SERVED)[2], status=200)


def test_startup_message_without_an_ini_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = str(tmp_path / 'demo.sqlite')
    with caplog.at_level(logging.INFO, logger='restkit_demo'):
        restkit_demo.main({}, **{'restkit_demo.database': database})
    assert messages(caplog, 'restkit_demo') == [
        f'Demo blog API: {PATHS}',
        'OpenAPI document: /openapi.json',
        'Docs page: /docs',
    ]


@pytest.mark.parametrize(
    ('settings', 'shown'),
    [
        ({'restkit.openapi': 'false'}, []),
        (
            {'restkit.openapi.docs_path': 'false'},
            ['OpenAPI document: /openapi.json'],
        ),
        (
            {
                'restkit.openapi.json_path': '/api.json',
                'restkit.openapi.docs_path': '/api',
            },
            ['OpenAPI document: /api.json', 'Docs page: /api'],
        ),
    ],
)
def test_startup_message_follows_the_openapi_settings(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    settings: dict[str, str],
    shown: list[str],
) -> None:
    settings['restkit_demo.database'] = str(tmp_path / 'demo.sqlite')
    with caplog.at_level(logging.INFO, logger='restkit_demo'):
        restkit_demo.main({}, **settings)
    logged = messages(caplog, 'restkit_demo')
    assert logged[0].startswith('Demo blog API: /tags')
    assert logged[1:] == shown


SERVER_INI = """\
[app:main]
use = egg:restkit_demo
restkit_demo.database = %(here)s/demo.sqlite

{server}
"""


@pytest.mark.parametrize(
    ('server', 'base'),
    [
        ('listen = 127.0.0.1:6543', 'http://127.0.0.1:6543'),
        ('listen = *:8080 [::1]:8081', 'http://localhost:8080'),
        ('listen = [::1]:8081', 'http://[::1]:8081'),
        ('host = 0.0.0.0\nport = 8080', 'http://localhost:8080'),
        (
            'host = api.example\nport = 443\nurl_scheme = https\n'
            'url_prefix = /blog/',
            'https://api.example:443/blog',
        ),
        # pserve's variables: pserve development.ini http_port=8080
        ('listen = 127.0.0.1:%(http_port)s', 'http://127.0.0.1:8080'),
        # No address a client could use: paths alone.
        ('listen = 127.0.0.1:0', None),
        ('unix_socket = %(here)s/demo.sock', None),
        ('listen = localhost', None),
    ],
)
def test_startup_message_names_the_server_address(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    server: str,
    base: str | None,
) -> None:
    ini = tmp_path / 'server.ini'
    text = '[server:main]\nuse = egg:waitress#main\n' + server
    ini.write_text(SERVER_INI.format(server=text), encoding='utf-8')
    with caplog.at_level(logging.INFO, logger='restkit_demo'):
        get_app(str(ini), options={'http_port': '8080'})
    first = messages(caplog, 'restkit_demo')[0]
    if base is None:
        assert first.startswith('Demo blog API: /tags')
    else:
        assert first.startswith(f'Demo blog API at {base} (/tags, ')


def test_startup_message_without_a_server_section(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ini = tmp_path / 'app.ini'
    ini.write_text(SERVER_INI.format(server=''), encoding='utf-8')
    with caplog.at_level(logging.INFO, logger='restkit_demo'):
        get_app(str(ini))
    assert messages(caplog, 'restkit_demo')[0].startswith('Demo blog API: ')


# -- the access log --------------------------------------------------------

#: client "METHOD target PROTOCOL" status size time[ (as VERB)]
LINE = re.compile(
    r'(?P<client>\S+) "(?P<method>[A-Z]+) (?P<target>\S+) HTTP/1\.0" '
    r'(?P<status>\d{3}) (?P<size>\d+|-) (?P<ms>\d+\.\d)ms'
    r'(?: \(as (?P<override>[A-Z]+)\))?'
)


@pytest.fixture
def logged(tmp_path: Path) -> TestApp:
    """The demo with its access log, as the ini file enables it."""
    app = restkit_demo.main(
        {},
        **{
            'restkit_demo.database': str(tmp_path / 'demo.sqlite'),
            'pyramid.includes': 'restkit_demo.accesslog',
        },
    )
    return TestApp(app, extra_environ={'REMOTE_ADDR': '192.0.2.7', **ALICE})


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    lines = []
    for record in caplog.records:
        if record.name != ACCESS:
            continue
        assert record.levelno == logging.INFO
        match = LINE.fullmatch(record.getMessage())
        assert match, record.getMessage()
        lines.append(match.groupdict())
    return lines


def test_access_log_lines(
    logged: TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=ACCESS):
        created = logged.post_json(
            '/posts', {'title': 'Hi', 'body': 'b'}, status=201
        )
        listed = logged.get('/posts?limit=2&offset=0')
        logged.get('/posts/abc', status=404)
        logged.post(
            f'/posts/{created.json["id"]}',
            {'title': 'New'},
            headers={'X-HTTP-Method-Override': 'PATCH'},
        )
        logged.options('/posts', status=204)
    lines = access_lines(caplog)
    assert [
        (line['method'], line['target'], line['status'], line['override'])
        for line in lines
    ] == [
        ('POST', '/posts', '201', None),
        ('GET', '/posts?limit=2&offset=0', '200', None),
        ('GET', '/posts/abc', '404', None),
        # The verb the client sent, then the one the override chose.
        ('POST', f'/posts/{created.json["id"]}', '200', 'PATCH'),
        ('OPTIONS', '/posts', '204', None),
    ]
    assert {line['client'] for line in lines} == {'192.0.2.7'}
    assert lines[0]['size'] == str(len(created.body))
    assert lines[1]['size'] == str(len(listed.body))
    # No body, no Content-Length: the size is not known.
    assert lines[4]['size'] == '-'


def test_access_log_quotes_what_the_client_sent(
    logged: TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger=ACCESS):
        # A path that is not UTF-8, and one with a quote and a newline:
        # neither may garble the log line.
        logged.get('/posts/%ff', status=400)
        logged.get('/tags/a%22b%0A', status=404)
        logged.get('/tags?q=%22x%22', status=200)
        logged.get('/tags/caf%C3%A9', status=404)
    assert [line['target'] for line in access_lines(caplog)] == [
        '/posts/%FF',
        '/tags/a%22b%0A',
        '/tags?q=%22x%22',
        '/tags/caf%C3%A9',
    ]


def test_access_log_of_an_unhandled_exception(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An error that no exception view answers: the server makes it a 500.
    def boom(request: Any) -> Any:
        raise RuntimeError('boom')

    config = Configurator()
    config.include('restkit_demo.accesslog')
    config.add_route('boom', '/boom')
    config.add_view(boom, route_name='boom')
    app = TestApp(config.make_wsgi_app())
    with (
        caplog.at_level(logging.INFO, logger=ACCESS),
        pytest.raises(RuntimeError, match='boom'),
    ):
        app.get('/boom')
    (line,) = access_lines(caplog)
    assert (line['target'], line['status'], line['size']) == (
        '/boom',
        '500',
        '-',
    )


def test_no_access_log_below_info(
    logged: TestApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger=ACCESS):
        logged.get('/posts')
    assert access_lines(caplog) == []


def test_no_access_log_without_the_include(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = str(tmp_path / 'demo.sqlite')
    app = restkit_demo.main({}, **{'restkit_demo.database': database})
    assert TWEEN not in dict(app.registry.getUtility(ITweens).implicit())
    with caplog.at_level(logging.INFO, logger=ACCESS):
        TestApp(app).get('/posts')
    assert access_lines(caplog) == []


# -- the Pyramid scripts, as users run them --------------------------------


def script(
    name: str, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the virtualenv's script ``name`` from the root, no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    return subprocess.run(
        [str(BIN / name), *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_proutes(ini: str) -> None:
    done = script('proutes', ini)
    assert done.returncode == 0, done.stderr
    routes = {
        line.split()[0]: line.split()[1:]
        for line in done.stdout.splitlines()[2:]
    }
    assert routes['posts.item'][0].startswith('/posts/{id:[0-9]+}')
    assert routes['posts.item'][1] == 'restkit_demo.resources.posts.Posts'
    assert routes['posts.item'][2] == 'DELETE,GET,HEAD,OPTIONS,PATCH,PUT'
    assert routes['comments.item'][0].startswith(
        '/posts/{post_id:[0-9]+}/comments/{id:[0-9]+}'
    )
    assert routes['tags.item'][1] == 'restkit_demo.resources.tags.tags'
    assert routes['restkit.openapi.json'][0] == '/openapi.json'
    assert routes['restkit.docs'][0] == '/docs'
    # The ini file's logging: the start-up message on stderr.
    for message in STARTUP:
        assert message in done.stderr


def test_pviews(ini: str) -> None:
    done = script('pviews', ini, '/posts/7')
    assert done.returncode == 0, done.stderr
    # The post's context (its ACL), then one view per permission: the
    # reads need none, the writes ``edit`` (pviews shows a route's views
    # without the route's name when there are several).
    assert 'context: <restkit_demo.security.PostContext' in done.stdout
    views = done.stdout.split('View:')[1:]
    assert [view.split() for view in views] == [
        [
            '-----',
            'restkit_demo.resources.posts.Posts',
            'view',
            'predicates',
            '(request_method',
            '=',
            'GET,HEAD,OPTIONS)',
        ],
        [
            '-----',
            'restkit_demo.resources.posts.Posts',
            'required',
            'permission',
            '=',
            'edit',
            'view',
            'predicates',
            '(request_method',
            '=',
            'DELETE,PATCH,PUT)',
        ],
    ]
    # Ids are digits: no route, no view.
    done = script('pviews', ini, '/posts/abc')
    assert done.returncode == 0, done.stderr
    assert 'Not found.' in done.stdout


def test_prestkit(ini: str) -> None:
    done = script('prestkit', ini)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ['Resource', 'Route', 'Pattern']
    rows = [line.split() for line in lines[2:]]
    assert len(rows) == 31
    get = next(r for r in rows if r[1] == 'posts.item' and r[3] == 'GET')
    assert get[2] == '/posts/{id:[0-9]+}'
    assert get[4:6] == ['get', 'PostRequest']
    # Where it was declared: the installed (editable) package's file.
    assert get[-1].startswith(
        ('demo/restkit_demo/resources/posts.py:', str(Path('/')))
    )
    assert get[-1].partition('restkit_demo/resources/posts.py:')[2].isdigit()


def test_pshell(ini: str, tmp_path: Path) -> None:
    commands = (
        "print('database', registry.settings['restkit_demo.database'])\n"
        "print('app', type(app).__name__)\n"
        "print('url', request.route_path('posts.item', id=7))\n"
    )
    done = script('pshell', '-p', 'python', ini, stdin=commands)
    assert done.returncode == 0, done.stderr
    assert f'database {tmp_path}/var/demo.sqlite' in done.stdout
    assert 'app Router' in done.stdout
    assert 'url /posts/7' in done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
    return port


def test_pserve(tmp_path: Path) -> None:
    """``pserve``: the start-up message, then one access log line."""
    port = _free_port()
    ini = tmp_path / 'development.ini'
    text = INI.read_text(encoding='utf-8')
    assert 'listen = 127.0.0.1:6543\n' in text
    ini.write_text(
        text.replace('127.0.0.1:6543', f'127.0.0.1:{port}'), encoding='utf-8'
    )
    env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
    server = subprocess.Popen(
        [str(BIN / 'pserve'), str(ini)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            output.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: list[str] = []

    def wait_for(text: str) -> None:
        deadline = time.monotonic() + 60
        while not any(text in line for line in seen):
            timeout = deadline - time.monotonic()
            assert timeout > 0, ''.join(seen)
            try:
                seen.append(output.get(timeout=timeout))
            except queue.Empty:
                pass
            assert server.poll() is None or not output.empty(), ''.join(seen)

    base = f'http://127.0.0.1:{port}'
    try:
        wait_for(f'Serving on {base}')
        for message in STARTUP:
            assert message.replace(SERVED, base) in ''.join(seen)
        with urllib.request.urlopen(f'{base}/posts', timeout=10) as res:
            assert res.status == 200
            size = len(res.read())
        wait_for('"GET /posts HTTP/1.1"')
    finally:
        server.terminate()
        server.wait(timeout=30)
        reader.join(timeout=30)
        assert server.stdout is not None
        server.stdout.close()
    (line,) = [line for line in seen if '"GET /posts HTTP/1.1"' in line]
    # The ini file's access format: the time, then the line.
    assert re.search(
        rf'^\d{{4}}-\d\d-\d\d [\d:,]+ 127\.0\.0\.1 "GET /posts HTTP/1\.1" '
        rf'200 {size} \d+\.\dms$',
        line.rstrip('\n'),
    ), line
