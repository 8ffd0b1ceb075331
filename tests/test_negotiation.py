"""Negotiation facing hostile requests: long Accept headers, bad queries."""

from __future__ import annotations

from pyramid.request import Request

from pyramid_restkit.media import MediaType
from pyramid_restkit.negotiation import (
    CACHE_SIZE,
    MAX_CACHED_ACCEPT,
    Negotiator,
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
