"""The throttle's counters: exact under threads, an unavailable storage
(fail-open and its warnings, fail-closed), the rate notation, escaping."""

from __future__ import annotations

import gc
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import limits
import pytest
import webtest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.config import Configurator
from webob import Request

from pyramid_restkit import throttling
from pyramid_restkit.config.values import _RATE, _rate
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.interfaces import IRestkitRoutes

#: Seconds a thread of a race may wait for the others.
WAIT = 30
#: A port nothing listens on: connections are refused at once.
REFUSED = 'redis://127.0.0.1:1/0'


class Items:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []


def make(settings: dict[str, Any], throttle: str = '5/minute') -> Any:
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Items, collection_path='/items', throttle=throttle)
    return config.make_wsgi_app()


@pytest.fixture
def switching() -> Iterator[None]:
    """No collections during a race.

    NOTE: a finalizer of an object left by an earlier test, run in one
    of the racing threads, is no part of the test (the whole suite once
    hung in one, every thread waiting on a lock).
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def race(action: Callable[[], Any], clients: int = 20) -> list[Any]:
    """Run ``action`` in ``clients`` threads at once, switching threads
    as often as the interpreter can; their results.

    NOTE: the tiny switch interval is set once every thread waits at the
    start: under coverage, a thread that starts meanwhile may fail to
    install its trace function (CPython 3.11: "Cannot install a trace
    function while another trace function is being installed").
    """
    start = threading.Barrier(clients + 1, timeout=WAIT)
    results: list[Any] = []

    def client() -> None:
        start.wait()
        results.append(action())

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + WAIT
    while start.n_waiting < clients and time.monotonic() < deadline:
        time.sleep(0.001)
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        start.wait()
        for thread in threads:
            thread.join(WAIT)
    finally:
        sys.setswitchinterval(before)
    assert len(results) == clients
    return results


def test_memory_budget_is_exact_under_threads(switching: None) -> None:
    # Through the application: 20 concurrent requests, a budget of 5.
    app = make({}, throttle='5/minute')
    for trial in range(20):
        address = f'10.0.0.{trial}'

        def status(address: str = address) -> int:
            request = Request.blank('/items', {'REMOTE_ADDR': address})
            return int(request.get_response(app).status_int)

        statuses = race(status)
        assert sorted(statuses) == [200] * 5 + [429] * 15, trial


@pytest.mark.parametrize('lock_free', [True, False])
def test_requests_get_distinct_counts_under_threads(
    switching: None, lock_free: bool
) -> None:
    # Through the application, on a running window: counted without the
    # lock (one atomic next() with the GIL), or with it (as without the
    # GIL).  Each request's RateLimit remaining is its own.
    app = make({}, throttle='100/minute')
    memory = app.registry.getUtility(IRestkitRoutes).counters.memory
    memory.lock_free = lock_free
    for trial in range(10):
        address = f'10.1.0.{trial}'
        Request.blank('/items', {'REMOTE_ADDR': address}).get_response(app)

        def remaining(address: str = address) -> str:
            request = Request.blank('/items', {'REMOTE_ADDR': address})
            header = request.get_response(app).headers['RateLimit']
            return str(header.split(';')[1])

        got = race(remaining)
        assert sorted(got) == sorted(f'r={n}' for n in range(79, 99)), trial


def test_concurrent_requests_get_distinct_counts(switching: None) -> None:
    # NOTE: without the lock of MemoryCounters (as with limits'
    # MemoryStorage, whose incr reads the count outside its lock), two
    # of 20 threads that meet on a new key may both start its count at 1:
    # a trial then fails (measured: each of 6 runs failed, in 0.7-3.9 s).
    counters = throttling.Counters(throttling.ThrottleSettings())
    counters.start()
    for trial in range(300):
        key = f'k{trial}'
        counts = race(lambda key=key: counters.spend(key, 60)[0])
        assert sorted(counts) == list(range(1, 21)), trial


def test_counters_are_exact_under_threads(switching: None) -> None:
    counters = throttling.Counters(throttling.ThrottleSettings())
    counters.start()

    def spend() -> list[int]:
        seen = []
        for _ in range(5000):
            spent = counters.spend('k', 60)
            assert spent is not None
            seen.append(spent[0])
        return seen

    seen = [count for counts in race(spend, 8) for count in counts]
    # One atomic step a request: every count once, none skipped.
    assert sorted(seen) == list(range(1, 40001))


class FakeTime:
    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


def test_fail_open_passes_and_warns_once_a_minute(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeTime()
    monkeypatch.setattr(throttling, 'time', clock)
    app = webtest.TestApp(make({'restkit.throttle.storage': REFUSED}))
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        for _ in range(3):
            res = app.get('/items')
            assert 'RateLimit' not in res.headers
            assert 'RateLimit-Policy' not in res.headers
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1
        record = warnings[0]
        assert record.name == 'pyramid_restkit.throttling'
        assert 'redis://127.0.0.1:1/0' in record.getMessage()
        assert 'ConnectionError' in record.getMessage()
        clock.offset += 59
        app.get('/items')
        assert len(caplog.records) == 1
        clock.offset += 2
        app.get('/items')
        assert len(caplog.records) == 2
    # Another application warns on its own first failure.
    other = webtest.TestApp(make({'restkit.throttle.storage': REFUSED}))
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        other.get('/items')
    assert len(caplog.records) == 3


def test_fail_closed_is_a_503_problem(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = webtest.TestApp(
        make(
            {
                'restkit.throttle.storage': REFUSED,
                'restkit.throttle.fail_open': 'false',
            }
        )
    )
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        res = app.get('/items', status=503)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 503
    assert 'storage' in res.json['detail']
    assert 'RateLimit' not in res.headers
    assert '503' in caplog.records[0].getMessage()
    res = app.get('/items', headers={'Accept': 'application/xml'}, status=503)
    assert res.content_type == 'application/problem+xml'


def test_the_log_hides_a_password(caplog: pytest.LogCaptureFixture) -> None:
    app = webtest.TestApp(
        make({'restkit.throttle.storage': 'redis://:s3cret@127.0.0.1:1/0'})
    )
    with caplog.at_level(logging.WARNING, logger='pyramid_restkit'):
        app.get('/items')
    message = caplog.records[0].getMessage()
    assert 's3cret' not in message
    assert 'redis://***@127.0.0.1:1/0' in message


def test_limits_is_imported_only_for_a_throttle() -> None:
    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Items, collection_path='/items')
    config.commit()
    counters = config.registry.getUtility(IRestkitRoutes).counters
    assert counters.memory is None and counters.storage is None
    app = make({})
    table = app.registry.getUtility(IRestkitRoutes)
    assert table.counters.memory is not None
    assert table['items.collection'].operations['GET'].throttle is not None


def test_missing_redis_client_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import limits.storage.redis

    def missing(self: Any, uri: str, **options: Any) -> None:
        raise limits.errors.ConfigurationError("'redis' prerequisite")

    monkeypatch.setattr(limits.storage.redis.RedisStorage, '__init__', missing)
    counters = throttling.Counters(throttling.ThrottleSettings(REFUSED))
    with pytest.raises(
        ResourceConfigurationError, match=r'pyramid_restkit\[redis\]'
    ):
        counters.start()


RATES = st.builds(
    '{}{}{}{}{}{}'.format,
    st.integers(1, 10**6).map(str),
    st.sampled_from(['/', ' / ', ' per ', 'per', 'PER ']),
    st.sampled_from(['', '1 ', '10', '7 ', '60 ']),
    st.sampled_from(['second', 'minute', 'hour', 'day', 'month', 'year']),
    st.sampled_from(['', 's', 'S']),
    st.sampled_from(['', ' ', '  ']),
)


@given(RATES)
def test_the_rate_check_agrees_with_limits(rate: str) -> None:
    # The option's check (config/values.py) accepts only what
    # limits.parse reads, and its normal form means the same rate.
    normal = _rate(rate, 'throttle')
    item = limits.parse(rate)
    again = limits.parse(normal)
    assert (item.amount, item.get_expiry()) == (
        again.amount,
        again.get_expiry(),
    )


@given(st.text(max_size=30))
def test_what_the_check_accepts_limits_parses(text: str) -> None:
    if _RATE.fullmatch(text):
        item = limits.parse(text)
        assert item.amount >= 1 and item.get_expiry() >= 1


@given(st.text(max_size=40))
def test_policy_names_are_valid_sf_strings(name: str) -> None:
    value = throttling.sf_string(name)
    assert re.fullmatch(r'"(?:[ !#-\[\]-~]|\\["\\])*"', value)


@given(st.text(max_size=20), st.text(max_size=20))
def test_escaped_names_never_meet(first: str, second: str) -> None:
    if first != second:
        assert throttling._escape(first) != throttling._escape(second)
        assert ':' not in throttling._escape(first)


def test_memory_drops_ended_windows_as_it_grows() -> None:
    memory = throttling.MemoryCounters()
    for i in range(1024):
        assert memory.incr(f'old{i}', 10, 0.0) == (1, 10.0)
    assert memory.incr('old0', 10, 5.0) == (2, 10.0)
    # The table is full: a new key sweeps the ended windows out.
    assert memory.incr('new', 100, 20.0) == (1, 120.0)
    assert set(memory.entries) == {'new'}
    # Full of live windows: a sweep keeps them, and the next waits until
    # the table has doubled.
    for i in range(1100):
        memory.incr(f'live{i}', 100, 20.0)
    assert len(memory.entries) == 1101
    for i in range(1100):
        memory.incr(f'more{i}', 10, 20.0)
    assert len(memory.entries) == 2201
    # (no sweep before 4096 entries: the ended 'more' windows stay)
    assert memory.incr('last', 100, 40.0) == (1, 140.0)
    assert len(memory.entries) == 2202
