"""Reading the API version of a request (pyramid_restkit.versioning)."""

from __future__ import annotations

from typing import Any

import pytest
from pyramid.config import Configurator
from pyramid.httpexceptions import (
    HTTPBadRequest,
    HTTPNotAcceptable,
    HTTPNotFound,
)
from pyramid.request import Request

from pyramid_restkit import api_version
from pyramid_restkit.media import MediaType
from pyramid_restkit.negotiation import CACHE_SIZE, MAX_CACHED_ACCEPT
from pyramid_restkit.versioning import Versioning, accept_version

JSON = MediaType('json', 'application/json')
XML = MediaType('xml', 'application/xml')


def blank(path: str = '/', **headers: str) -> Any:
    return Request.blank(path, headers=headers)


@pytest.mark.parametrize(
    ('headers', 'expected'),
    [
        ({}, '1'),
        ({'Api-Version': '2'}, '2'),
        ({'Api-Version': ' 2\t'}, '2'),
        ({'Api-Version': ''}, '1'),  # empty: absent
        ({'Api-Version': '  '}, '1'),
    ],
)
def test_header_versions(headers, expected) -> None:
    assert Versioning('header', ('1', '2')).requested(blank(**headers)) == (
        expected
    )


@pytest.mark.parametrize('value', ['3', '1, 2', '"2"', 'v2'])
def test_an_unknown_header_version_is_a_400(value) -> None:
    with pytest.raises(HTTPBadRequest) as info:
        Versioning('header', ('1', '2')).requested(
            blank(**{'Api-Version': value})
        )
    exc = info.value
    assert exc.errors == [
        {
            'location': 'headers',
            'name': 'Api-Version',
            'description': exc.detail,
        }
    ]
    assert exc.detail == (
        f'There is no API version {value!r}. Versions: 1, 2.'
    )
    assert exc.problem_extra == {'versions': ['1', '2']}


@pytest.mark.parametrize(
    ('path', 'expected'),
    [
        ('/', '1'),
        ('/?version=2', '2'),
        ('/?version=', '1'),  # empty: absent
        ('/?version=&version=2', '2'),
        ('/?xversion=2', '1'),  # not the parameter
        ('/?q=1&version=2', '2'),
    ],
)
def test_query_versions(path, expected) -> None:
    assert Versioning('query', ('1', '2')).requested(blank(path)) == expected


def test_two_query_versions_are_a_400() -> None:
    with pytest.raises(HTTPBadRequest) as info:
        Versioning('query', ('1', '2')).requested(
            blank('/?version=1&version=1')
        )
    assert info.value.errors[0]['location'] == 'querystring'
    assert info.value.errors[0]['name'] == 'version'
    assert 'Send one version parameter, not 2.' in info.value.detail


def test_an_undecodable_query_is_a_400() -> None:
    with pytest.raises(HTTPBadRequest, match='not valid UTF-8'):
        Versioning('query', ('1',)).requested(blank('/?version=%ff'))


def test_path_versions() -> None:
    versioning = Versioning('path', ('1', '2'))
    request = blank()
    request.matchdict = {'version': '2'}
    assert versioning.requested(request) == '2'
    request.matchdict = {'version': '9'}
    with pytest.raises(HTTPNotFound):
        versioning.requested(request)


@pytest.mark.parametrize(
    ('accept', 'media_type', 'expected'),
    [
        ('application/json; version=2', 'application/json', '2'),
        # the range that matched the chosen type
        (
            'application/xml; version=1, application/json; version=2',
            'application/json',
            '2',
        ),
        (
            'application/xml; version=1, application/json; version=2',
            'application/xml',
            '1',
        ),
        ('*/*; version=2, application/json', 'application/json', '2'),
        ('application/*; version=2, */*; version=1', 'application/xml', '2'),
        # else the first range that carries one
        ('text/csv; version=2, application/json', 'application/json', '2'),
        ('text/csv; version=2, text/html; version=1', 'application/json', '2'),
        ('application/json', 'application/json', None),
        # q=0 ranges carry no version
        (
            'text/csv; version=3; q=0, application/json',
            'application/json',
            None,
        ),
        (
            'application/json; version=3; q=0, */*; version=2',
            'application/json',
            '2',
        ),
        # quoted, empty
        ('application/json; version="2"', 'application/json', '2'),
        ('application/json; version=""', 'application/json', None),
        # an invalid header counts as absent
        ('application/json; version=', 'application/json', None),
        ('application/json; version=2', '', '2'),  # no media type chosen
    ],
)
def test_accept_version(accept, media_type, expected) -> None:
    assert accept_version(accept, media_type) == expected


def test_accept_versions_are_cached_by_header_and_media_type() -> None:
    versioning = Versioning('accept', ('1', '2'))
    accept = 'application/xml; version=1, application/json; version=2'
    request = blank(Accept=accept)
    assert versioning.requested(request, JSON) == '2'
    assert versioning.requested(request, XML) == '1'
    assert versioning.requested(request, None) == '1'
    assert versioning._cache == {
        (accept, 'application/json'): '2',
        (accept, 'application/xml'): '1',
        (accept, ''): '1',
    }
    assert versioning.requested(blank(), JSON) == '1'
    assert versioning.requested(blank(Accept='application/json'), JSON) == '1'
    long = 'application/json; version=2' + ', x/y' * MAX_CACHED_ACCEPT
    assert versioning.requested(blank(Accept=long), JSON) == '2'
    assert (long, 'application/json') not in versioning._cache


def test_the_accept_cache_starts_over_when_full() -> None:
    versioning = Versioning('accept', ('1', '2'))
    for n in range(CACHE_SIZE):
        versioning.requested(blank(Accept=f'x/y{n}; version=2'), JSON)
    assert len(versioning._cache) == CACHE_SIZE
    versioning.requested(blank(Accept='application/json'), JSON)
    assert len(versioning._cache) == 1


def test_an_unknown_accept_version_is_a_406() -> None:
    with pytest.raises(HTTPNotAcceptable):
        Versioning('accept', ('1',)).requested(
            blank(Accept='application/json; version=2; version=3'), JSON
        )


@pytest.mark.parametrize(
    ('mode', 'error'),
    [
        ('path', HTTPNotFound),
        ('accept', HTTPNotAcceptable),
        ('query', HTTPBadRequest),
        ('header', HTTPBadRequest),
    ],
)
def test_a_version_an_operation_lacks_gets_the_status_of_an_unknown_one(
    mode, error
) -> None:
    exc = Versioning(mode, ('1', '2', '3')).refusal('1', 'DELETE', {'3', '2'})
    assert isinstance(exc, error)
    assert exc.detail == (
        "DELETE is not available here in API version '1'. Versions: 2, 3."
    )
    assert exc.problem_extra == {'versions': ['2', '3']}


def test_check_sets_the_version_and_says_whether_accept_chose_it() -> None:
    request = blank(**{'Api-Version': '2'})
    assert Versioning('header', ('1', '2')).check(request, JSON, None) is False
    assert request.api_version == '2'
    request = blank(Accept='application/json; version=2')
    assert Versioning('accept', ('1', '2')).check(request, JSON, {'2'})
    assert request.api_version == '2'
    with pytest.raises(HTTPBadRequest, match='GET is not available'):
        Versioning('header', ('1', '2')).check(blank(), JSON, {'2'})
    # path: the deriver has set it; nothing to do
    request = blank()
    assert Versioning('path', ('1', '2')).check(request, JSON, {'2'}) is False
    assert 'api_version' not in request.__dict__


# -- api_version(): any route -------------------------------------------------


def registry(**settings: Any) -> Any:
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    config.commit()
    return config.registry


def test_api_version_without_versioning_is_none() -> None:
    request = blank(**{'Api-Version': '2'})
    request.registry = registry()
    assert api_version(request) is None


def test_api_version_reads_the_request_as_a_resource_route_does() -> None:
    header = registry(
        **{'restkit.versioning': 'header', 'restkit.versions': '1 2'}
    )
    request = blank(**{'Api-Version': '2'})
    request.registry = header
    assert api_version(request) == '2'
    request = blank(**{'Api-Version': '7'})
    request.registry = header
    with pytest.raises(HTTPBadRequest):
        api_version(request)
    # what the kit set on its own routes
    request.api_version = '1'
    assert api_version(request) == '1'


def test_api_version_in_accept_mode_uses_the_negotiated_type() -> None:
    request = blank(
        Accept='application/xml; version=1, application/json; version=2'
    )
    request.registry = registry(
        **{'restkit.versioning': 'accept', 'restkit.versions': '1 2'}
    )
    assert api_version(request) == '1'  # no type chosen: the first
    request.restkit_media = JSON
    assert api_version(request) == '2'


def test_api_version_in_path_mode_needs_the_placeholder() -> None:
    request = blank()
    request.registry = registry(
        **{'restkit.versioning': 'path', 'restkit.versions': '1 2'}
    )
    assert api_version(request) is None  # no route matched
    request.matchdict = {'id': '7'}
    assert api_version(request) is None  # a route without {version}
    request.matchdict = {'version': '2'}
    assert api_version(request) == '2'
