"""Throttling (``throttle=``): budgets of requests per client and window.

An operation with a rate gets a :class:`Throttle` at commit
(``Operation.throttle``) and a class that runs it first
(:class:`Throttled`); operations without one run none of this.  It runs
in the view, so after Pyramid's permission check, and before negotiation,
so that only requests the permission lets through spend budget (API.md's
order: 405, cross-origin 403, 401/403, 429, 406...).

One request is one atomic step on the storage: ``incr`` of the counter of
(budget, client), whose result is the count after this request; its
window starts with the first request (a fixed window, ``limits``'
``FixedWindowRateLimiter``), and ``N/minute`` lets N requests through
back to back.  The budget is named by the scope (else the resource) and,
where the rate is given per verb, the verb.  The client is the
authenticated userid, else the client address (``REMOTE_ADDR``, or an
entry of ``X-Forwarded-For`` with ``restkit.trusted_proxies``); both are
hashed into the key, tagged so that they never collide.

The counters live in a :class:`Counters` per application (``memory://``,
:class:`MemoryCounters`; or ``limits``' Redis storage, shared by
processes and hosts); ``limits`` is imported only when a resource is
throttled.  A storage that fails (refused, timed
out) lets the request pass (``restkit.throttle.fail_open``, the default)
or answers 503; either way a WARNING is logged, once a minute at most.

See docs/throttling.md.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import itertools
import logging
import math
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPServiceUnavailable, HTTPTooManyRequests
from pyramid.interfaces import ISecurityPolicy

from .errors import ResourceConfigurationError

_ceil = math.ceil
#: Whether the interpreter runs with the GIL (free-threaded builds of
#: CPython 3.13+ may not), which makes ``next()`` on an
#: ``itertools.count`` atomic.
_GIL: bool = getattr(sys, '_is_gil_enabled', lambda: True)()

log = logging.getLogger('pyramid_restkit.throttling')

#: A security policy not looked up yet.
_UNKNOWN = object()
#: Seconds between two warnings about an unavailable storage.
WARNING_INTERVAL = 60.0
#: The storage schemes the kit accepts (``limits`` knows more, untested).
SCHEMES = ('memory', 'redis', 'rediss')
#: Spellings of a boolean setting (as ``pyramid.settings.asbool``, but
#: anything else is an error rather than false).
_BOOLEANS = {
    **dict.fromkeys(('true', 'yes', 'on', 'y', 't', '1'), True),
    **dict.fromkeys(('false', 'no', 'off', 'n', 'f', '0'), False),
}


@dataclass(frozen=True)
class ThrottleSettings:
    """The ``restkit.throttle.*`` settings and ``restkit.trusted_proxies``."""

    storage: str = 'memory://'
    fail_open: bool = True
    #: Seconds a storage call may take (Redis: the socket timeouts).
    timeout: float = 0.25
    #: How many proxies in front of the application append to
    #: ``X-Forwarded-For`` (0: the header is not read).
    trusted_proxies: int = 0

    def as_settings(self) -> dict[str, Any]:
        """The normalized values under their ``restkit.*`` keys."""
        return {
            'restkit.throttle.storage': self.storage,
            'restkit.throttle.fail_open': self.fail_open,
            'restkit.throttle.timeout': self.timeout,
            'restkit.trusted_proxies': self.trusted_proxies,
        }


def parse_throttle_settings(settings: Mapping[str, Any]) -> ThrottleSettings:
    """Read the throttling settings; a bad value names its key."""
    storage = settings.get('restkit.throttle.storage', 'memory://')
    if not isinstance(storage, str):
        storage = ''
    storage = storage.strip()
    parts = urlsplit(storage) if '://' in storage else None
    if (
        parts is None
        or parts.scheme not in SCHEMES
        or (parts.scheme != 'memory' and not parts.hostname)
    ):
        raise ResourceConfigurationError(
            'restkit.throttle.storage must be memory:// or '
            f'redis://host:port/db, not {storage[:80]!r}'
        )
    try:
        _ = parts.port  # urlsplit checks the port only when asked
    except ValueError:
        raise ResourceConfigurationError(
            f'restkit.throttle.storage: bad port in {storage[:80]!r}'
        ) from None
    raw = settings.get('restkit.throttle.fail_open', True)
    fail_open = raw if isinstance(raw, bool) else None
    if isinstance(raw, str):
        fail_open = _BOOLEANS.get(raw.strip().lower())
    if fail_open is None:
        raise ResourceConfigurationError(
            f'restkit.throttle.fail_open must be true or false, not {raw!r}'
        )
    raw = settings.get('restkit.throttle.timeout', 0.25)
    try:
        timeout = float(raw)
    except (TypeError, ValueError):
        timeout = math.nan
    if not (0 < timeout <= 60):
        raise ResourceConfigurationError(
            'restkit.throttle.timeout must be a number of seconds '
            f'(0 < timeout <= 60), not {raw!r}'
        )
    raw = settings.get('restkit.trusted_proxies', 0)
    try:
        proxies = int(raw)
    except (TypeError, ValueError):
        proxies = -1
    if isinstance(raw, bool) or not (0 <= proxies <= 100):
        raise ResourceConfigurationError(
            'restkit.trusted_proxies must be a whole number of proxies '
            f'(0 to 100), not {raw!r}'
        )
    return ThrottleSettings(storage, fail_open, timeout, proxies)


class MemoryCounters:
    """The ``memory://`` storage: counters in a dict, under one lock.

    NOTE: not ``limits``' ``MemoryStorage``, for what was measured on
    limits 5.8.0: its ``incr`` reads the count outside its lock (with
    forced thread switches, some of 300 trials let 4 to 11 of 20
    concurrent requests through a budget of 5), and it starts a timer
    thread to expire keys whenever the last one has ended, 10 ms after
    it started: at low traffic every request waited for a new thread
    (350 us on a loaded 2-core machine, against 3 us for ``incr``).  Here
    a counter is one dict entry, expired when met again; entries whose
    window is over are swept when the dict has doubled since the last
    sweep.

    A window's count is an ``itertools.count``: with the GIL, ``next()``
    on it is one atomic step, so a running window is counted without the
    lock (:class:`Throttle`; PERF: the lock is a quarter of a microsecond
    a request).  Windows are made (and swept) under the lock.  Without
    the GIL (a free-threaded build running without it) every count takes
    the lock.
    """

    def __init__(self) -> None:
        #: key -> [the window's count (the next request's number, an
        #: ``itertools.count``), end of the window (time.time())].
        self.entries: dict[Any, list[Any]] = {}
        self.lock = threading.Lock()
        #: Whether a running window may be counted without the lock.
        self.lock_free = _GIL
        self._sweep_at = 1024

    def incr(self, key: Any, window: int, now: float) -> tuple[int, float]:
        """Count one request: (count, end of the window)."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[1] <= now:
                if len(self.entries) >= self._sweep_at:
                    self._sweep(now)
                entry = self.entries[key] = [itertools.count(2), now + window]
                return 1, entry[1]
            return next(entry[0]), entry[1]

    def _sweep(self, now: float) -> None:
        entries = self.entries
        for key in [key for key, (_, end) in entries.items() if end <= now]:
            del entries[key]
        self._sweep_at = max(1024, 2 * len(entries))


class Counters:
    """The counters of one application, in the configured storage.

    Made when settings are read, without ``limits``; the storage itself
    is made by the first throttled operation built (:meth:`start`):
    :class:`MemoryCounters`, or ``limits``' Redis storage (its ``incr``
    is atomic: one Lua ``INCRBY``/``EXPIRE``; the reset comes from the
    key's TTL).
    """

    def __init__(self, settings: ThrottleSettings) -> None:
        self.settings = settings
        #: The memory storage; ``None`` with Redis.
        self.memory: MemoryCounters | None = None
        #: limits' storage (Redis); ``None`` with memory.
        self.storage: Any = None
        #: The errors of an unavailable storage (limits' StorageError).
        self.errors: tuple[type[BaseException], ...] = ()
        #: (kind, name[, verb]) -> (quota, window, where it was first
        #: declared).
        self.rates: dict[tuple[str, ...], tuple[int, int, str]] = {}
        #: The application's security policy, looked up on the first
        #: request (:func:`client_id`).
        self.policy: Any = _UNKNOWN
        #: ``restkit.trusted_proxies`` (PERF: one attribute less a request).
        self.proxies = settings.trusted_proxies
        self._warned: float | None = None
        self._warn_lock = threading.Lock()

    def start(self) -> None:
        """Make the storage (importing ``limits`` for Redis), once."""
        if self.memory is not None or self.storage is not None:
            return
        settings = self.settings
        if settings.storage.startswith('memory'):
            self.memory = MemoryCounters()
            return
        from limits.errors import ConfigurationError, StorageError
        from limits.storage import storage_from_string

        try:
            self.storage = storage_from_string(
                settings.storage,
                wrap_exceptions=True,
                # NOTE: socket timeouts, so that a hung server fails open.
                socket_timeout=settings.timeout,
                socket_connect_timeout=settings.timeout,
            )
        except ConfigurationError as exc:
            raise ResourceConfigurationError(
                f'restkit.throttle.storage {settings.storage!r}: {exc} '
                '(redis:// needs pyramid_restkit[redis])'
            ) from None
        self.errors = (StorageError,)

    def spend(self, key: str, window: int) -> tuple[int, int] | None:
        """Count one request on ``key``: (count, seconds to reset).

        One atomic step: the count is that of this very request.
        ``None`` when the storage is unavailable and requests pass; a
        503 when they must not.
        """
        now = time.time()
        memory = self.memory
        if memory is not None:
            count, end = memory.incr(key, window, now)
        else:
            storage = self.storage
            try:
                count = storage.incr(key, window)
                # NOTE: the first request of a window set its length.
                end = storage.get_expiry(key) if count != 1 else now + window
            except self.errors as exc:
                self.unavailable(exc)
                if self.settings.fail_open:
                    return None
                raise HTTPServiceUnavailable(
                    detail='The rate limit storage is unavailable; '
                    'try again later.'
                ) from None
        return count, max(math.ceil(end - now), 0)

    def unavailable(self, exc: BaseException) -> None:
        """Log an outage: on its first request, then once a minute."""
        now = time.monotonic()
        with self._warn_lock:
            if self._warned is not None and now - self._warned < (
                WARNING_INTERVAL
            ):
                return
            self._warned = now
        log.warning(
            'The rate limit storage %s is unavailable (%s); requests %s',
            _safe_url(self.settings.storage),
            type(exc.__cause__ or exc).__name__,
            'pass unthrottled'
            if self.settings.fail_open
            else 'get 503 (restkit.throttle.fail_open = false)',
        )

    def claim(
        self, budget: tuple[str, ...], quota: int, window: int, where: str
    ) -> None:
        """Refuse a second rate for one budget (one scope, one rate)."""
        found = self.rates.setdefault(budget, (quota, window, where))
        if found[:2] != (quota, window):
            kind, name = budget[:2]
            raise ResourceConfigurationError(
                f'{where}: the {kind} {name!r} already has the rate '
                f'{found[0]} per {found[1]} seconds ({found[2]}); one '
                f'{kind} has one rate, not {quota} per {window} seconds'
            )


def _safe_url(url: str) -> str:
    """``url`` without its password, for the log."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition('@')[2]
    return parts._replace(netloc=f'***@{netloc}').geturl()


class Throttle:
    """The budget one operation spends (see the module docstring)."""

    __slots__ = (
        'counters',
        'prefix',
        'quota',
        'window',
        'name',
        'label',
        'policy',
        'remaining',
        'policy_header',
    )

    def __init__(
        self,
        counters: Counters,
        *,
        budget: tuple[str, str],
        verb: str | None,
        quota: int,
        window: int,
    ) -> None:
        self.counters = counters
        kind, name = budget
        #: The budget's part of a storage key: kind, name and verb
        #: (percent-escaped, so that no name can reach another's keys).
        self.prefix = ':'.join(
            ('restkit', kind, _escape(name), verb or '*', '')
        )
        self.quota = quota
        self.window = window
        #: The policy's name as a structured field String.
        self.name = sf_string(name)
        #: The budget's name as the 429's detail gives it.
        self.label = name
        self.policy = f'{self.name};q={quota};w={window}'
        #: The ``RateLimit`` value up to its ``r`` (PERF: one format less).
        self.remaining = f'{self.name};r='
        self.policy_header = ('RateLimit-Policy', self.policy)

    def __call__(self, request: Any) -> tuple[tuple[str, str], ...] | None:
        """Spend one request of the client's budget: the RateLimit
        headers, ``None`` when the storage failed open; or raise a 429."""
        counters = self.counters
        if counters.policy is None and not counters.proxies:
            # PERF: client_id's usual case, without the call.
            client = 'a\0' + (request.environ.get('REMOTE_ADDR') or '')
        else:
            client = client_id(request, counters)
        memory = counters.memory
        if memory is not None:
            # PERF: straight to the dict, keyed by (budget, client): a
            # key no value can break, with nothing to hash; a running
            # window is counted here, in one atomic next(), a new one by
            # MemoryCounters.incr (which checks again under the lock, and
            # sweeps).  A request that read a window just before it ended
            # counts in it: it arrived then.
            now = time.time()
            key = (self.prefix, client)
            entry = memory.entries.get(key)
            if entry is not None and entry[1] > now and memory.lock_free:
                count = next(entry[0])
                end = entry[1]
            else:
                count, end = memory.incr(key, self.window, now)
            reset = _ceil(end - now)
        else:
            spent = counters.spend(self.prefix + digest(client), self.window)
            if spent is None:
                return None  # fail-open: no RateLimit headers
            count, reset = spent
        quota = self.quota
        headers = (
            self.policy_header,
            (
                'RateLimit',
                f'{self.remaining}{quota - count if count < quota else 0};'
                f't={reset}',
            ),
        )
        if count > quota:
            add_headers(request, headers)
            raise too_many_requests(max(reset, 1), self.label)
        return headers


def add_headers(request: Any, headers: tuple[tuple[str, str], ...]) -> None:
    """Give whatever response answers ``request`` (an error rendered by
    an exception view) ``headers``."""
    request.add_response_callback(
        lambda request, response: response.headerlist.extend(headers)
    )


class Throttled:
    """What a throttled operation's class adds: the throttle, first.

    Mixed in at commit (:func:`throttled_class`) before the operation's
    own class, so that operations without a rate run nothing of it.
    It runs in the view, so after Pyramid's permission check and before
    everything the operation checks (API.md: 401/403, 429, 406...).
    A success gets the RateLimit headers directly; an error raised after
    the throttle gets them through a response callback, since an
    exception view renders it.
    """

    throttle: Throttle
    #: The operation class's own ``__call__`` (set by
    #: :func:`throttled_class`; PERF: no ``super()`` object a request).
    serve: Any

    def __call__(self, context: Any, request: Any) -> Any:
        headers = self.throttle(request)
        serve = self.serve
        if headers is None:
            return serve(self, context, request)
        try:
            response = serve(self, context, request)
        except BaseException:
            add_headers(request, headers)
            raise
        response.headerlist.extend(headers)
        return response


#: Operation class -> its throttled subclass.
_THROTTLED: dict[type, type] = {}


def throttled_class(kind: type) -> type:
    """``kind`` with :class:`Throttled` first (one subclass per class)."""
    found = _THROTTLED.get(kind)
    if found is None:
        found = _THROTTLED[kind] = type(
            f'Throttled{kind.__name__}',
            (Throttled, kind),
            # NOTE: a plain function in a staticmethod: read from the
            # instance, no bound method is made for each request.
            {'serve': staticmethod(kind.__call__)},
        )
    return found


def too_many_requests(retry_after: int, name: str) -> HTTPTooManyRequests:
    return HTTPTooManyRequests(
        detail=f'Too many requests: the budget {name!r} is spent; retry in '
        f'{retry_after} second{"s" if retry_after != 1 else ""}.',
        headers={'Retry-After': str(retry_after)},
    )


def client_id(request: Any, counters: Counters) -> str:
    """Who asks: the authenticated userid, else the client address.

    The userid is ``request.authenticated_userid`` (any Pyramid security
    policy); both are tagged (``u``/``a``) so that a userid never counts
    as an address.  Redis keys hold their :func:`digest`.
    """
    # PERF: what request.authenticated_userid does, the application's
    # policy looked up once (0.6 -> 0.15 us without a policy).
    policy = counters.policy
    if policy is _UNKNOWN:
        policy = counters.policy = request.registry.queryUtility(
            ISecurityPolicy
        )
    if policy is not None:
        userid = policy.authenticated_userid(request)
        if userid is not None:
            return f'u\0{userid}'
    proxies = counters.settings.trusted_proxies
    if proxies:
        return 'a\0' + client_address(request.environ, proxies)
    return 'a\0' + (request.environ.get('REMOTE_ADDR') or '')


@functools.lru_cache(maxsize=4096)
def digest(client: str) -> str:
    """A client's part of a Redis key: whatever a userid or an address
    holds (any length, any character), 32 hex digits."""
    # PERF: the same clients come back; a hit costs a fifth of hashing.
    return hashlib.blake2b(
        client.encode('utf-8', 'surrogatepass'), digest_size=16
    ).hexdigest()


def client_address(environ: Mapping[str, Any], proxies: int) -> str:
    """The client's address: ``REMOTE_ADDR``, or with ``proxies`` the
    ``proxies``-th ``X-Forwarded-For`` entry from the right.

    As Werkzeug's ``ProxyFix``: each trusted proxy appends the address it
    got the request from, so the entry that many from the right is the
    one the first trusted proxy saw.  Several ``X-Forwarded-For`` headers
    arrive joined by commas (one list); empty list elements are ignored
    (RFC 9110 section 5.6.1).  Too few entries, or one that is not an IP
    address: ``REMOTE_ADDR``.
    """
    remote: str = environ.get('REMOTE_ADDR') or ''
    if not proxies:
        return remote
    header = environ.get('HTTP_X_FORWARDED_FOR')
    if not header:
        return remote
    entries = [entry for entry in header.split(',') if entry.strip()]
    if len(entries) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-proxies].strip()))
    except ValueError:
        return remote


def _escape(name: str) -> str:
    """``name`` with ``%``, ``:`` and anything but printable ASCII
    percent-escaped (UTF-8)."""
    return ''.join(
        char
        if ' ' < char <= '~' and char not in '%:'
        else ''.join(
            f'%{byte:02X}' for byte in char.encode('utf-8', 'replace')
        )
        for char in name
    )


def sf_string(name: str) -> str:
    """``name`` as a structured field String (RFC 9651 section 3.3.3).

    Only printable ASCII may appear in one: other characters are
    percent-escaped (UTF-8), ``%`` too; ``"`` and ``\\`` are escaped with
    a backslash.
    """
    out = []
    for char in name:
        if char in '"\\':
            out.append('\\' + char)
        elif ' ' <= char <= '~' and char != '%':
            out.append(char)
        else:
            out.extend(
                f'%{byte:02X}' for byte in char.encode('utf-8', 'replace')
            )
    return '"' + ''.join(out) + '"'
