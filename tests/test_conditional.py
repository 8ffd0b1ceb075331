"""The parsers and tag functions of :mod:`pyramid_restkit.conditional`."""

from __future__ import annotations

import calendar
import re

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.response import Response

from pyramid_restkit.conditional import (
    entity_tag,
    http_date,
    parse_http_date,
    parse_tags,
    tag_value,
)

#: Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example).
EXAMPLE = calendar.timegm((1994, 11, 6, 8, 49, 37))


@pytest.mark.parametrize(
    ('value', 'tags'),
    [
        ('*', None),
        (' * ', None),
        ('"a"', ((False, 'a'),)),
        ('W/"a"', ((True, 'a'),)),
        ('"a", W/"b"', ((False, 'a'), (True, 'b'))),
        ('"a",,  , "b"', ((False, 'a'), (False, 'b'))),  # empty elements
        ('"a,b"', ((False, 'a,b'),)),  # a comma inside a tag
        ('""', ((False, ''),)),
        ('', ()),
        ('a', ()),
        ('"a", b', ()),  # one bad element spoils the list
        ('*, "a"', ()),
        ('w/"a"', ()),  # W/ is case-sensitive
        ('"a" "b"', ()),
        ('"a\x7fb"', ()),
        ('"caf\xe9"', ((False, 'caf\xe9'),)),  # obs-text
    ],
)
def test_parse_tags(value, tags):
    assert parse_tags(value) == tags


@pytest.mark.parametrize(
    'value',
    [
        'Sun, 06 Nov 1994 08:49:37 GMT',
        'Sunday, 06-Nov-94 08:49:37 GMT',
        'Sun Nov  6 08:49:37 1994',
        '  Sun, 06 Nov 1994 08:49:37 GMT ',
    ],
)
def test_the_three_date_formats(value):
    assert parse_http_date(value) == EXAMPLE


@pytest.mark.parametrize(
    'value',
    [
        'Sun, 06 Nov 1994 08:49:37 UTC',
        'Sun, 6 Nov 1994 08:49:37 GMT',
        'Sun, 06 nov 1994 08:49:37 GMT',
        'Sun, 06 Nov 1994 24:49:37 GMT',
        'Sun, 06 Nov 1994 08:49:60 GMT',  # no leap seconds
        'Sun, 30 Feb 1994 08:49:37 GMT',
        'Sunday, 06-Nov-1994 08:49:37 GMT',
        '1994-11-06T08:49:37Z',
        '784111777',
        '',
    ],
)
def test_invalid_dates(value):
    assert parse_http_date(value) is None


def test_two_digit_years():
    now = calendar.timegm((2026, 12, 7, 0, 0, 0))
    # at most 50 years ahead: this century
    assert parse_http_date('Monday, 01-Jan-35 00:00:00 GMT', now) == (
        calendar.timegm((2035, 1, 1, 0, 0, 0))
    )
    # further: the century before
    assert parse_http_date('Monday, 01-Jan-94 00:00:00 GMT', now) == (
        calendar.timegm((1994, 1, 1, 0, 0, 0))
    )


def test_http_date():
    assert http_date(EXAMPLE) == 'Sun, 06 Nov 1994 08:49:37 GMT'
    assert parse_http_date(http_date(EXAMPLE)) == EXAMPLE


@pytest.mark.parametrize(
    ('value', 'read'),
    [
        (None, None),
        (0, (False, '0')),
        (-3, (False, '-3')),
        ('"a"', (False, 'a')),
        ('"', (False, '"')),
        ('W/"a"', (True, 'a')),
        ('W/"', (False, 'W/"')),
        ('W/a', (False, 'W/a')),
        (b'"a"', (False, 'a')),
        (b'\xff', (False, b'\xff')),
        (b'"\xff"', (False, b'\xff')),
    ],
)
def test_tag_value(value, read):
    assert tag_value(value, 'etag') == read


@pytest.mark.parametrize('value', [True, 1.5, ['a'], object()])
def test_tag_value_refuses_other_types(value):
    with pytest.raises(TypeError, match=r'etag\(\) must return'):
        tag_value(value, 'etag')


def test_entity_tags_are_valid_and_distinct():
    seen = set()
    for value in ('a', 'a b', b'\xff', 'x' * 64, 'x' * 65, '~a', ''):
        for name in ('json', 'yaml', 'n\xe4me'):
            tag = entity_tag(value, name)
            assert re.fullmatch(r'[\x21\x23-\x7e]+', tag), tag
            seen.add(tag)
    assert len(seen) == 21
    assert entity_tag('x' * 64, 'json') == 'x' * 64 + '-json'


def test_a_non_2xx_response_is_left_alone():
    class Moved:
        def __init__(self, request):
            self.request = request

        def etag(self):
            return 1

        def get(self):
            return Response(status=302, location='/elsewhere')

    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.add_resource(Moved, path='/m/{id}', cache_control='max-age=1')
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/m/1', status=302)
    assert 'ETag' not in res.headers
    assert 'Cache-Control' not in res.headers
