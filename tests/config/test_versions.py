"""API versions at commit: ``versions=`` and versioned routes."""

from __future__ import annotations

from typing import Any

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError

from pyramid_restkit import operation
from pyramid_restkit.interfaces import IRestkitRoutes
from pyramid_restkit.views import Operation

VERSIONED = {'restkit.versioning': 'header', 'restkit.versions': '1 2 3'}


class Posts:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    @operation(versions=('2', '3'))
    def collection_post(self):
        return {}

    def get(self):
        return {}

    @operation(versions=('3',))
    def delete(self):
        return None


def configure(settings: dict[str, Any], cls: type = Posts, **kw: Any) -> Any:
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    kw.setdefault('name', 'posts')
    kw.setdefault('collection_path', '/posts')
    kw.setdefault('path', '/posts/{id}')
    config.add_resource(cls, **kw)
    return config


def routes(config: Configurator) -> Any:
    config.commit()
    return config.registry.getUtility(IRestkitRoutes)


def test_each_route_knows_the_verbs_of_each_version() -> None:
    table = routes(configure(VERSIONED))
    collection = table['posts.collection']
    assert collection.allow == 'GET, HEAD, POST, OPTIONS'
    assert collection.allow_by_version == {
        '1': 'GET, HEAD, OPTIONS',
        '2': 'GET, HEAD, POST, OPTIONS',
        '3': 'GET, HEAD, POST, OPTIONS',
    }
    item = table['posts.item']
    assert item.allow_by_version == {
        '1': 'GET, HEAD, OPTIONS',
        '2': 'GET, HEAD, OPTIONS',
        '3': 'GET, HEAD, DELETE, OPTIONS',
    }
    assert item.verb_versions['DELETE'] == {'3'}
    assert item.verb_versions['HEAD'] == {'1', '2', '3'}
    assert item.verb_versions['OPTIONS'] == {'1', '2', '3'}
    # an operation of every version checks nothing more per request
    get = item.operations['GET']
    assert isinstance(get, Operation)
    assert get.versions is None
    assert get.versioning is table.versioning
    assert item.operations['DELETE'].versions == {'3'}


def test_a_route_serves_only_the_versions_of_its_verbs() -> None:
    table = routes(configure(VERSIONED, versions=[3, '2']))
    assert set(table['posts.collection'].allow_by_version) == {'2', '3'}
    assert table['posts.item'].verb_versions['OPTIONS'] == {'2', '3'}
    assert table['posts.item'].operations['GET'].versions == {'2', '3'}


def test_a_custom_options_method_has_its_own_versions() -> None:
    class Custom(Posts):
        @operation(versions=('1',))
        def options(self):
            return None

    table = routes(configure(VERSIONED, Custom))
    item = table['posts.item']
    assert item.verb_versions['OPTIONS'] == {'1'}
    assert item.allow_by_version['1'] == 'GET, HEAD, OPTIONS'
    assert item.allow_by_version['3'] == 'GET, HEAD, DELETE'


def test_without_versioning_routes_have_no_versions() -> None:
    class Plain(Posts):
        collection_post = delete = None

    table = routes(configure({}, Plain))
    assert table.versioning is None
    assert table['posts.item'].allow_by_version == {}
    assert table['posts.item'].operations['GET'].versioning is None


@pytest.mark.parametrize(
    ('settings', 'options', 'message'),
    [
        (
            {},
            {},
            "resource 'posts'.collection_post: versions=['2', '3'] needs the "
            'restkit.versioning and restkit.versions settings',
        ),
        (
            {'restkit.versioning': 'query', 'restkit.versions': '1 2'},
            {},
            "resource 'posts'.collection_post: versions names '3', not in "
            'restkit.versions (1 2)',
        ),
        (
            VERSIONED,
            {'versions': ['4', 'x']},
            "resource 'posts'.collection_get: versions names '4', 'x'",
        ),
    ],
)
def test_versions_must_be_known(settings, options, message) -> None:
    config = configure(settings, **options)
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert message in str(info.value)


PATH = {'restkit.versioning': 'path', 'restkit.versions': '1 2 3'}


@pytest.mark.parametrize(
    ('collection_path', 'path'),
    [
        ('/posts', '/{version}/posts/{id}'),
        ('/{version}/posts', '/posts/{id}'),
        ('/{versions}/posts', '/{versions}/posts/{id}'),
    ],
)
def test_path_versioning_needs_the_placeholder(collection_path, path) -> None:
    config = configure(PATH, collection_path=collection_path, path=path)
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert 'restkit.versioning = path needs a {version} placeholder in ' in (
        str(info.value)
    )


@pytest.mark.parametrize(
    ('collection_path', 'path'),
    [
        ('/{version}/posts', '/{version}/posts/{id}'),
        ('/api/{version:v?\\d}/posts', '/api/{version:v?\\d}/posts/{id}'),
        ('/posts/{version}', '/posts/{version}/{id}'),
    ],
)
def test_path_versioning_patterns(collection_path, path) -> None:
    table = routes(configure(PATH, collection_path=collection_path, path=path))
    assert table['posts.item'].pattern == path


def test_a_route_prefix_may_hold_the_version() -> None:
    config = Configurator(settings=PATH, autocommit=False)
    config.include('pyramid_restkit')
    with config.route_prefix_context('/{version}'):
        config.add_resource(
            Posts, collection_path='/posts', path='/posts/{id}'
        )
    table = routes(config)
    assert table['posts.item'].pattern == '/{version}/posts/{id}'


def test_other_modes_leave_a_version_placeholder_alone() -> None:
    # a package registry's /packages/{name}/{version}: an ordinary value
    table = routes(
        configure(
            VERSIONED,
            collection_path='/packages/{name}',
            path='/packages/{name}/{version}',
        )
    )
    assert table['posts.item'].allow_by_version['1'] == 'GET, HEAD, OPTIONS'
