"""Negotiation facing hostile requests: long Accept headers, bad queries."""

from __future__ import annotations

import pytest
from pyramid.request import Request
from webob.acceptparse import AcceptValidHeader, create_accept_header

from pyramid_restkit.media import MediaType
from pyramid_restkit.negotiation import (
    CACHE_SIZE,
    MAX_CACHED_ACCEPT,
    MediaRange,
    Negotiator,
    deciding_range,
    media_ranges,
    quality,
)

JSON = MediaType('json', 'application/json')
XML = MediaType('xml', 'application/xml')


def negotiator() -> Negotiator:
    return Negotiator([JSON, XML], JSON)


def test_long_headers_are_not_cached() -> None:
    chosen = negotiator()
    header = 'application/xml' + ', x/y' * MAX_CACHED_ACCEPT
    assert chosen.choose(header) is XML
    assert chosen.choose(header) is XML
    assert chosen._cache == {}
    invalid = '\xff' * (MAX_CACHED_ACCEPT + 1)
    assert chosen.choose(invalid) is JSON  # invalid: as if absent
    assert chosen._cache == {}


def test_headers_up_to_the_limit_are_cached() -> None:
    chosen = negotiator()
    header = 'application/xml, x/'.ljust(MAX_CACHED_ACCEPT, 'y')
    assert len(header) == MAX_CACHED_ACCEPT
    assert chosen.choose(header) is XML
    assert chosen._cache == {header: XML}
    assert chosen.choose(header) is XML


def test_cache_starts_over_when_full() -> None:
    chosen = negotiator()
    for i in range(CACHE_SIZE + 1):
        chosen.choose(f'application/xml;q=0.{i % 9 + 1}, x/{i}')
    assert len(chosen._cache) == 1


def test_undecodable_query_names_no_format() -> None:
    request = Request.blank(
        '/?format=%ff', headers={'Accept': 'application/xml'}
    )
    assert negotiator().select(request) == (XML, True)
    request = Request.blank('/?format=xml&x=%ff')
    assert negotiator().select(request) == (JSON, True)


TEXT = MediaType('text', 'text/plain')
HTML = MediaType('html', 'text/html')


@pytest.mark.parametrize(
    ('accept', 'expected'),
    [
        # Parameters the kit does not read never stop a type matching
        # (API.md, HTTP policy rule 4).
        ('application/json; charset=utf-8', JSON),
        ('application/json;charset="UTF-8"', JSON),
        ('application/json; indent=4', JSON),
        ('application/json; version=2', JSON),
        ('Application/JSON; Charset=utf-8', JSON),
        ('application/xml; charset=utf-8', XML),
        ('application/xml; charset=utf-8, application/json;q=0.9', XML),
        ('application/json; charset=utf-8;q=0.5, text/plain;q=0.6', TEXT),
        ('text/*; charset=utf-8', TEXT),
        ('*/*; charset=utf-8', JSON),
        ('application/json;q=0.5;ext=1, text/plain;q=0.4', JSON),
        # q=0 still excludes, parameters or not.
        ('application/json; charset=utf-8; q=0', None),
        ('application/json; charset=utf-8; q=0, text/plain', TEXT),
        ('application/json;q=0, */*', XML),
        ('application/json;indent=4;q=0, */*', XML),
        # Specificity still decides (RFC 9110 section 12.5.1).
        ('text/*;q=0.1, text/html', HTML),
        ('text/*;q=0.1;charset=utf-8, text/html;level=1', HTML),
        ('*/*;q=0.1, text/plain;q=0.2, application/json;q=0.05', TEXT),
        ('text/*;q=0, text/plain', TEXT),
        ('text/plain;q=0, text/*', HTML),
        # A range without parameters is the exact match of a served type:
        # it decides over ranges that differ by ignored parameters only.
        ('application/json;q=0, application/json;charset=utf-8', None),
        ('application/json;charset=utf-8, application/json;q=0', None),
        ('application/json;q=0, application/json;charset=utf-8, */*', XML),
        ('application/json;charset=utf-8;q=0.2, application/json;q=0.9', JSON),
        # Among ranges that differ by ignored parameters, the best q.
        (
            'application/json;indent=2;q=0.1, application/json;indent=4, '
            'application/xml;q=0.5',
            JSON,
        ),
        # A range that matches nothing served.
        ('image/png; charset=utf-8', None),
        ('*/json', None),
    ],
)
def test_parameters_are_ignored_for_matching(accept, expected) -> None:
    chosen = Negotiator([JSON, XML, TEXT, HTML], JSON)
    assert chosen.choose(accept) is expected
    assert chosen.choose(accept) is expected  # from the cache


def test_offers_with_parameters_match_on_type_and_subtype() -> None:
    vnd = MediaType('vnd', 'application/vnd.x+json; profile="a"')
    chosen = Negotiator([JSON, vnd], JSON)
    assert chosen.choose('application/vnd.x+json') is vnd
    assert chosen.choose('application/vnd.x+json; profile=b') is vnd


# -- the version parameter (accept versioning) --------------------------------


def ranges(accept: str, versioned: bool = True) -> list[MediaRange]:
    header = create_accept_header(accept)
    assert isinstance(header, AcceptValidHeader)
    return media_ranges(header, versioned=versioned)


@pytest.mark.parametrize(
    ('accept', 'version'),
    [
        ('application/json', None),
        ('application/json; version=2', '2'),
        ('application/json; Version=2', '2'),  # names are case-insensitive
        ('application/json; VERSION="2"', '2'),  # quoted
        ('application/json; version=""', None),  # empty: absent
        ('application/json; charset=utf-8; version=v2; q=0.5', 'v2'),
        ('application/json; version=2; version=2', '2'),
        ('application/json; version=2; version=3', '2, 3'),  # no version
        ('application/json; q=0.5; version=2', None),  # an extension
    ],
)
def test_a_range_keeps_its_version(accept, version) -> None:
    (found,) = ranges(accept)
    assert found.version == version
    (plain,) = ranges(accept, versioned=False)
    assert plain.version is None  # read only for accept versioning
    assert plain._replace(version=found.version) == found


def test_the_deciding_range_is_the_most_specific() -> None:
    found = ranges(
        '*/*;version=1, application/*;version=2, application/json;version=3'
    )
    assert deciding_range('application', 'json', found).version == '3'
    assert deciding_range('application', 'xml', found).version == '2'
    assert deciding_range('text', 'html', found).version == '1'
    assert deciding_range('text', 'html', found[1:]) is None
    # equally specific: bare first, then the best quality, then the first
    found = ranges(
        'application/json;version=1;q=0.5, application/json;version=2, '
        'application/json;version=3'
    )
    assert deciding_range('application', 'json', found).version == '2'
    found = ranges('application/json;version=1, application/json')
    assert deciding_range('application', 'json', found).version is None
    assert quality('application', 'json', found) == 1.0
    assert quality('text', 'plain', found) == 0.0
