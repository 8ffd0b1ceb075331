"""Throttling with real servers: a redis-server the tests start, gunicorn.

* two gunicorn workers share one budget in Redis exactly: 20 concurrent
  clients against a budget of 10 get 10 successes (remaining 9..0, each
  once) and 10 429s, from both workers;
* Redis stopped mid-run: requests pass without RateLimit headers and a
  WARNING is logged (fail-open), or get 503 problems (fail-closed);
  never a 500;
* a server that accepts and never answers: the timeout, then fail-open.

Without Debian's ``redis-server`` these tests skip, unless
``RESTKIT_REQUIRE_REDIS`` is set (CI: ``.ci/run``), when they fail.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which('redis-server') or '/usr/bin/redis-server'
WAIT = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(ready: Any, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.05)
    raise AssertionError(f'{what} did not start within {timeout} s')


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()
            process.wait()


class RedisServer:
    """One ``redis-server`` on a free port, without persistence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f'redis://127.0.0.1:{self.port}/0'
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                '--port',
                str(self.port),
                '--bind',
                '127.0.0.1',
                '--save',
                '',
                '--appendonly',
                'no',
                '--dir',
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, 'redis-server')

    def answers(self) -> bool:
        try:
            with socket.create_connection(('127.0.0.1', self.port), 1) as s:
                s.sendall(b'PING\r\n')
                return s.recv(16).startswith(b'+PONG')
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if not os.access(REDIS_SERVER, os.X_OK):
        if os.environ.get('RESTKIT_REQUIRE_REDIS'):
            pytest.fail(f'{REDIS_SERVER} is missing (RESTKIT_REQUIRE_REDIS)')
        pytest.skip('redis-server is not installed')  # pragma: no cover
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def gunicorn(redis_server: RedisServer, tmp_path: Path) -> Iterator[int]:
    port = free_port()
    # NOTE: the fixture module alone on the path: tests/fixtures holds a
    # ``yaml`` folder, and a dependency of httplint installs a top-level
    # ``tests`` package.
    shutil.copy(ROOT / 'tests' / 'fixtures' / 'throttle_app.py', tmp_path)
    env = {
        **os.environ,
        'RESTKIT_TEST_THROTTLE_STORAGE': redis_server.url,
        'PYTHONPATH': str(tmp_path),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            '-m',
            'gunicorn',
            '--workers',
            '2',
            '--worker-class',
            'sync',
            '--bind',
            f'127.0.0.1:{port}',
            '--preload',
            '--backlog',
            '64',
            'throttle_app:make_app()',
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def both_workers() -> bool:
            pids = {get(port, '/pid?sleep=0.2')[2].get('pid') for _ in '12'}
            return len(concurrent(port, '/pid?sleep=0.2', 4) | pids) >= 2

        wait_for(lambda: answers(port), 'gunicorn')
        wait_for(both_workers, 'two gunicorn workers')
        yield port
    finally:
        stop(process)


def answers(port: int) -> bool:
    try:
        return get(port, '/pid')[0] == 200
    except OSError:
        return False


def get(port: int, path: str) -> tuple[int, dict[str, str], Any]:
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=WAIT)
    try:
        connection.request('GET', path)
        response = connection.getresponse()
        body = json.loads(response.read() or b'null')
        return response.status, dict(response.getheaders()), body
    finally:
        connection.close()


def concurrent(port: int, path: str, clients: int) -> set[int]:
    pids: set[int] = set()
    threads = [
        threading.Thread(target=lambda: pids.add(get(port, path)[2]['pid']))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return pids


def test_two_workers_share_one_budget_exactly(gunicorn: int) -> None:
    start = threading.Barrier(20)
    results: list[tuple[int, dict[str, str], Any]] = []

    def client() -> None:
        start.wait()
        results.append(get(gunicorn, '/limited'))

    threads = [threading.Thread(target=client) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    statuses = sorted(status for status, _, _ in results)
    assert statuses == [200] * 10 + [429] * 10
    successes = [(h, body) for status, h, body in results if status == 200]
    remaining = sorted(
        int(h['RateLimit'].split(';r=')[1].split(';')[0]) for h, _ in successes
    )
    assert remaining == list(range(10))
    assert {h['RateLimit-Policy'] for h, _ in successes} == {
        '"limited";q=10;w=60'
    }
    assert len({body['pid'] for _, body in successes}) == 2
    for status, headers, body in results:
        if status == 429:
            assert body['status'] == 429
            assert int(headers['Retry-After']) >= 1
            assert ';r=0;' in headers['RateLimit']


class Items:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []


def throttled_app(storage: str, **settings: Any) -> webtest.TestApp:
    config = Configurator(
        settings={'restkit.throttle.storage': storage, **settings},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.add_resource(Items, collection_path='/items', throttle='100/minute')
    return webtest.TestApp(config.make_wsgi_app())


def test_redis_stopped_mid_run(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    open_app = throttled_app(redis_server.url)
    closed_app = throttled_app(
        redis_server.url, **{'restkit.throttle.fail_open': 'false'}
    )
    for app, remaining in ((open_app, '99'), (closed_app, '98')):
        res = app.get('/items')
        assert f';r={remaining};' in res.headers['RateLimit']
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        for _ in range(3):
            res = open_app.get('/items', status=200)
            assert 'RateLimit' not in res.headers
            assert 'RateLimit-Policy' not in res.headers
            res = closed_app.get('/items', status=503)
            assert res.json['status'] == 503
            assert 'RateLimit' not in res.headers
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    # One warning for each application's first failed request.
    assert len(warnings) == 2
    assert all(r.name == 'pyramid_restkit.throttling' for r in warnings)
    # Back up: both count again (a fresh server: a fresh budget).
    redis_server.start()
    res = open_app.get('/items')
    assert ';r=99;' in res.headers['RateLimit']
    closed_app.get('/items', status=200)


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(('127.0.0.1', 0))
    server.listen(16)
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not done.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        done.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def test_a_hung_storage_times_out_and_fails_open(
    silent_server: int, caplog: pytest.LogCaptureFixture
) -> None:
    app = throttled_app(
        f'redis://127.0.0.1:{silent_server}/0',
        **{'restkit.throttle.timeout': '0.2'},
    )
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        for _ in range(2):
            began = time.monotonic()
            res = app.get('/items', status=200)
            elapsed = time.monotonic() - began
            assert 'RateLimit' not in res.headers
            # One storage call, one timeout (no retries).
            assert 0.15 < elapsed < 1.0, elapsed
    assert 'TimeoutError' in caplog.records[0].getMessage()
