"""Conditional requests (RFC 9110 section 13) and ``428`` (RFC 6585).

A resource class may define validator methods: ``etag(self)`` and
``last_modified(self)`` for its item route, ``collection_etag(self)`` and
``collection_last_modified(self)`` for its collection route.  Each returns
``None`` ("no validator for this request") or a value: ``str``, ``int``
or ``bytes`` for a tag (quoted by the kit unless already quoted, weak if
written ``W/"..."``), an aware ``datetime`` for a modification date
(naive means UTC; sub-seconds are dropped).

:class:`Conditional` is the commit-time plan of one operation; the
operation hands it the request once its one resource instance is made
(after the body is parsed, before it is validated) and it runs the rest:

* ``GET``/``HEAD``: ``If-None-Match`` (weak comparison), or without it
  ``If-Modified-Since``, answer ``304`` without calling the method; the
  response gets ``ETag``, ``Last-Modified`` and ``Cache-Control``.  With
  ``etag=True`` and no tag method, the tag is a weak hash of the rendered
  body and a matching ``If-None-Match`` turns the response into a ``304``
  after the method ran.
* ``PUT``/``PATCH``/``DELETE`` (and ``POST`` on the item route):
  ``require_if_match`` without ``If-Match`` is ``428``; then, in RFC 9110
  section 13.2.2's order, a false ``If-Match`` (strong comparison, any
  representation's tag; ``*``: the item exists), else a false
  ``If-Unmodified-Since``, then a false ``If-None-Match`` are ``412``,
  without calling the method.  A successful ``PUT``/``PATCH`` calls the
  validators again for the new ``ETag`` and ``Last-Modified``.

The kit sends one strong tag per representation: the value with its
quotes stripped and the media type's name appended (``"7-json"``,
``"7-yaml"``), or a hash of both when the value has characters outside
``A-Z a-z 0-9 . _ : + / = @ -`` (or is long), so that every tag is a valid
entity-tag.  Invalid dates are ignored, as RFC 9110 says; a malformed
tag list matches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
from calendar import timegm
from collections.abc import Sequence
from datetime import datetime, timezone
from email.utils import formatdate
from typing import Any

from pyramid.httpexceptions import (
    HTTPPreconditionFailed,
    HTTPPreconditionRequired,
)
from pyramid.response import Response

from .streaming import StreamBody

#: The validator methods of each route of a resource: (tag, date).
VALIDATOR_METHODS = {
    'collection': ('collection_etag', 'collection_last_modified'),
    'item': ('etag', 'last_modified'),
}
#: Every validator method name: none of them is a verb or a near miss.
VALIDATOR_NAMES = frozenset(
    name for names in VALIDATOR_METHODS.values() for name in names
)

#: Headers a ``304`` keeps of the ``200`` it replaces (RFC 9110 15.4.5).
NOT_MODIFIED_HEADERS = frozenset(
    {
        'cache-control',
        'content-location',
        'date',
        'etag',
        'expires',
        'last-modified',
        'set-cookie',
        'vary',
    }
)

#: Tag values sent as they are (with the media type's name appended);
#: others are hashed.  ``~`` starts hashed tags and is not allowed here,
#: so the two forms never meet; ``-`` may appear, names cannot have it.
_PLAIN = re.compile(r'[A-Za-z0-9._:+/=@-]{0,64}')
#: One entity-tag of a list (RFC 9110 8.8.3), or anything else up to the
#: next comma (which spoils the list).
_TAG = re.compile(r'\s*(?:(W/)?"([\x21\x23-\x7e\x80-\xff]*)"|[^,]*)\s*(?:,|$)')

Tags = tuple[tuple[bool, str], ...]


def parse_tags(value: str) -> Tags | None:
    """The entity-tags of an ``If-Match``/``If-None-Match`` value.

    ``None`` for ``*``; otherwise ``(weak, opaque)`` pairs, the quotes
    removed.  A value that is not a list of entity-tags (``*`` among tags,
    a tag without quotes) gives none: it matches nothing, so that
    ``If-Match`` is false and ``If-None-Match`` true (RFC 9110 13.1.1
    and 13.1.2, "otherwise").  Empty list elements are allowed.
    """
    value = value.strip()
    if value == '*':
        return None
    tags = []
    position = 0
    end = len(value)
    while position < end:
        match = _TAG.match(value, position)
        assert match is not None  # the pattern matches any text
        if match.group(2) is not None:
            tags.append((match.group(1) is not None, match.group(2)))
        elif match.group().strip(' \t,'):
            return ()
        position = match.end()
    return tuple(tags)


_MONTHS = {
    name: number
    for number, name in enumerate(
        'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(), 1
    )
}
_DAY = r'(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
_LONG_DAY = r'(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
_MONTH = r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
_CLOCK = r'(\d\d):(\d\d):(\d\d)'
#: The three HTTP-date formats of RFC 9110 5.6.7: IMF-fixdate, the
#: obsolete RFC 850 one and asctime's.
_IMF = re.compile(rf'{_DAY}, (\d\d) {_MONTH} (\d{{4}}) {_CLOCK} GMT')
_RFC850 = re.compile(rf'{_LONG_DAY}, (\d\d)-{_MONTH}-(\d\d) {_CLOCK} GMT')
_ASCTIME = re.compile(rf'{_DAY} {_MONTH} ([ \d]\d) {_CLOCK} (\d{{4}})')


def parse_http_date(value: str, now: float | None = None) -> int | None:
    """An HTTP-date as seconds since the epoch; ``None`` if not one.

    A two-digit RFC 850 year more than 50 years in the future is the most
    recent past year with those digits (RFC 9110 5.6.7).
    """
    value = value.strip()
    if match := _IMF.fullmatch(value):
        day, month, year, hour, minute, second = match.groups()
    elif match := _RFC850.fullmatch(value):
        day, month, short, hour, minute, second = match.groups()
        this_year = time.gmtime(time.time() if now is None else now).tm_year
        year = str(this_year - this_year % 100 + int(short))
        if int(year) > this_year + 50:
            year = str(int(year) - 100)
    elif match := _ASCTIME.fullmatch(value):
        month, day, hour, minute, second, year = match.groups()
    else:
        return None
    try:
        moment = datetime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second),
        )
    except ValueError:  # 31 Feb, 25:00, a leap second
        return None
    return timegm(moment.timetuple())


def http_date(seconds: int) -> str:
    """``seconds`` since the epoch as an IMF-fixdate."""
    return formatdate(seconds, usegmt=True)


def tag_value(value: Any, method: str) -> tuple[bool, str | bytes] | None:
    """What ``etag()`` returned as ``(weak, value)``: quotes stripped,
    ``W/`` read, ASCII ``bytes`` as text.  ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return False, str(value)
    if isinstance(value, bytes):
        try:
            value = value.decode('ascii')
        except UnicodeDecodeError:
            if len(value) > 1 and value[:1] == value[-1:] == b'"':
                value = value[1:-1]
            return False, value
    if not isinstance(value, str):
        raise TypeError(
            f'{method}() must return a str, an int, bytes or None, not '
            f'{type(value).__name__}'
        )
    weak = value.startswith('W/"') and len(value) > 3 and value[-1] == '"'
    if weak:
        value = value[2:]
    if len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return weak, value


def entity_tag(value: str | bytes, name: str) -> str:
    """The opaque tag (no quotes) of ``value`` in the media type ``name``."""
    if isinstance(value, str):
        if _PLAIN.fullmatch(value) and name.isascii():
            return f'{value}-{name}'
        value = value.encode('utf-8', 'surrogatepass')
    digest = hashlib.blake2b(
        value + b'\0' + name.encode('utf-8'), digest_size=15
    ).digest()
    return '~' + base64.urlsafe_b64encode(digest).decode('ascii')


def body_tag(body: bytes, name: str) -> str:
    """The weak ``ETag`` of a rendered body (``etag=True``)."""
    digest = hashlib.blake2b(body, digest_size=15, person=b'restkit')
    digest.update(name.encode('utf-8'))
    return 'W/"' + base64.urlsafe_b64encode(digest.digest()).decode() + '"'


def last_modified_value(value: Any, method: str) -> int | None:
    """What ``last_modified()`` returned, as whole seconds since the epoch.

    Naive datetimes are UTC; a date in the future is now (RFC 9110
    8.8.2.1: a server does not send a ``Last-Modified`` later than its
    ``Date``).
    """
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(
            f'{method}() must return a datetime or None, not '
            f'{type(value).__name__}'
        )
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return min(int(value.timestamp() // 1), int(time.time()))


def precondition_failed(header: str) -> HTTPPreconditionFailed:
    exc = HTTPPreconditionFailed(
        detail=f'The condition of {header} does not hold for the current '
        'state of the resource.'
    )
    exc.problem_extra = {'header': header}
    return exc


def precondition_required() -> HTTPPreconditionRequired:
    exc = HTTPPreconditionRequired(
        detail='This request must be conditional: send If-Match with the '
        'ETag of the representation you changed.'
    )
    exc.problem_extra = {'header': 'If-Match'}
    return exc


class Current:
    """The validators of one request's resource, as its methods gave them."""

    __slots__ = ('date', 'exists', 'value', 'weak')

    def __init__(
        self, instance: Any, tag: str | None, date: str | None
    ) -> None:
        found = tag_value(getattr(instance, tag)(), tag) if tag else None
        self.weak = found is not None and found[0]
        self.value = None if found is None else found[1]
        self.date = (
            last_modified_value(getattr(instance, date)(), date)
            if date
            else None
        )
        #: The item exists when some validator method gave a value.
        self.exists = self.value is not None or self.date is not None

    def tag(self, name: str) -> str | None:
        """The ``ETag`` header value for the media type ``name``."""
        if self.value is None:
            return None
        opaque = entity_tag(self.value, name)
        return f'W/"{opaque}"' if self.weak else f'"{opaque}"'

    def headers(self, name: str) -> list[tuple[str, str]]:
        headers = []
        tag = self.tag(name)
        if tag is not None:
            headers.append(('ETag', tag))
        if self.date is not None:
            headers.append(('Last-Modified', http_date(self.date)))
        return headers


class Conditional:
    """The conditional behaviour of one operation, built at commit.

    ``verb`` is the operation's; ``tag`` and ``date`` name the route's
    validator methods the class defines (``None``: it has none);
    ``body_tags`` (``etag=True`` on a ``GET`` without a tag method) tags
    rendered bodies; ``require`` is ``require_if_match``;
    ``cache_control`` the header of successful ``GET``/``HEAD`` responses;
    ``representations`` the media type names of every operation of the
    route (``If-Match`` accepts the tag of any of them).
    """

    def __init__(
        self,
        *,
        verb: str,
        tag: str | None,
        date: str | None,
        body_tags: bool = False,
        require: bool = False,
        cache_control: str | None = None,
        representations: Sequence[str] = (),
    ) -> None:
        self.verb = verb
        self.safe = verb == 'GET'
        self.tag = tag
        self.date = date
        self.validators = bool(tag or date)
        self.body_tags = body_tags
        self.require = require
        self.cache_control = cache_control
        self.representations = tuple(representations)
        #: PUT/PATCH answer with the new validators.
        self.renews = self.validators and verb in ('PUT', 'PATCH')

    def __call__(
        self,
        operation: Any,
        request: Any,
        instance: Any,
        media: Any,
        vary: bool,
        parsed: tuple[Any, bool, bool],
    ) -> Any:
        """Check the preconditions, then validate, call and respond."""
        environ = request.environ
        # NOTE: the tag names the representation: its media type, and
        # its API version where the request has one (a cache that holds
        # one version must not revalidate it for another).
        version = request.api_version
        name = media.name if version is None else f'{media.name}@{version}'
        current = None
        if self.safe:
            if self.validators:
                current = Current(instance, self.tag, self.date)
                if self._not_modified(environ, current, name):
                    return self._not_modified_response(current, name, vary)
        else:
            if self.require and 'HTTP_IF_MATCH' not in environ:
                raise precondition_required()
            if (
                'HTTP_IF_MATCH' in environ
                or 'HTTP_IF_NONE_MATCH' in environ
                or 'HTTP_IF_UNMODIFIED_SINCE' in environ
            ):
                self._check(environ, instance)
        validator = operation.validator
        if validator is not None:
            request.validated = operation.validate(request, instance, *parsed)
        result = getattr(instance, operation.attr)()
        response = operation.respond(request, media, result, vary)
        if self.safe:
            if not 200 <= response.status_int < 300:
                return response
            return self._safe_response(
                environ, response, current, name, result
            )
        if self.renews and 200 <= response.status_int < 300:
            # The state changed: the response tells the new validators.
            renewed = Current(instance, self.tag, self.date)
            for header, value in renewed.headers(name):
                response.headers[header] = value
        return response

    # -- GET and HEAD ------------------------------------------------------

    def _not_modified(
        self, environ: dict[str, Any], current: Current, name: str
    ) -> bool:
        """Whether ``If-None-Match``, else ``If-Modified-Since``, says the
        client's copy is current (before the method runs)."""
        if_none_match = environ.get('HTTP_IF_NONE_MATCH')
        if if_none_match is not None:
            tags = parse_tags(if_none_match)
            if tags is None:
                return current.exists
            if current.value is None:
                return False  # no tag yet: maybe the body's, later
            mine = entity_tag(current.value, name)
            return any(opaque == mine for _, opaque in tags)
        since = environ.get('HTTP_IF_MODIFIED_SINCE')
        if since is None or current.date is None:
            return False
        date = parse_http_date(since)
        return date is not None and current.date <= date

    def _not_modified_response(
        self, current: Current, name: str, vary: bool
    ) -> Response:
        headers = current.headers(name)
        if self.cache_control is not None:
            headers.append(('Cache-Control', self.cache_control))
        if vary:
            headers.append(('Vary', 'Accept'))
        return Response(status=304, headerlist=headers)

    def _safe_response(
        self,
        environ: dict[str, Any],
        response: Any,
        current: Current | None,
        name: str,
        result: Any,
    ) -> Any:
        headers = response.headers
        if current is not None:
            for header, value in current.headers(name):
                headers.setdefault(header, value)
        if self.cache_control is not None:
            headers.setdefault('Cache-Control', self.cache_control)
        if (
            not self.body_tags
            or (current is not None and current.value is not None)
            or result is response  # a Response the method returned
            or 'ETag' in headers
            # NOTE: a streamed body is not buffered to tag it.
            or type(response.app_iter) is StreamBody
        ):
            return response
        tag = body_tag(response.body, name)
        headers['ETag'] = tag
        if_none_match = environ.get('HTTP_IF_NONE_MATCH')
        if if_none_match is None or response.status_int != 200:
            return response
        tags = parse_tags(if_none_match)
        opaque = tag[3:-1]
        if tags is None or any(o == opaque for _, o in tags):
            kept = [
                (name, value)
                for name, value in response.headerlist
                if name.lower() in NOT_MODIFIED_HEADERS
            ]
            return Response(status=304, headerlist=kept)
        return response

    # -- PUT, PATCH, DELETE, POST on an item -------------------------------

    def _check(self, environ: dict[str, Any], instance: Any) -> None:
        """Refuse (412) a request whose preconditions are false, in RFC
        9110 13.2.2's order; the validators are called only here."""
        current = (
            Current(instance, self.tag, self.date) if self.validators else None
        )
        if_match = environ.get('HTTP_IF_MATCH')
        if if_match is not None:
            tags = parse_tags(if_match)
            if tags is None:
                # NOTE: without validator methods the kit cannot tell
                # whether the item exists: the method decides.
                if current is not None and not current.exists:
                    raise precondition_failed('If-Match')
            elif current is None or current.value is None or current.weak:
                raise precondition_failed('If-Match')
            else:
                mine = self._tags(current)
                if not any(not weak and o in mine for weak, o in tags):
                    raise precondition_failed('If-Match')
        elif current is not None and current.date is not None:
            since = environ.get('HTTP_IF_UNMODIFIED_SINCE')
            date = None if since is None else parse_http_date(since)
            if date is not None and current.date > date:
                raise precondition_failed('If-Unmodified-Since')
        if_none_match = environ.get('HTTP_IF_NONE_MATCH')
        if if_none_match is None or current is None:
            return
        tags = parse_tags(if_none_match)
        if tags is None:
            if current.exists:
                raise precondition_failed('If-None-Match')
        elif current.value is not None:
            mine = self._tags(current)
            if any(opaque in mine for _, opaque in tags):
                raise precondition_failed('If-None-Match')

    def _tags(self, current: Current) -> set[str]:
        """The opaque tags of the current value in every representation."""
        value = current.value
        assert value is not None
        return {entity_tag(value, name) for name in self.representations}
