"""``anonymous=``: where it is given (``add_resource``, ``@resource``,
``@operation``, YAML), what it shows (introspector, ``prestkit``) and
the configuration errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError

from pyramid_restkit import operation
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.predicates import RestkitAuthenticatedPredicate
from pyramid_restkit.scripts.prestkit import format_table, operation_rows

from .blog import HeaderPolicy, Posts, PublicPosts, add_posts, reset

BLOG = 'tests.anonymous.blog'


@pytest.fixture(autouse=True)
def posts() -> None:
    reset()


def test_yaml_names_the_anonymous_class(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        f'  - class: {BLOG}:Posts\n'
        '    collection_path: /posts\n'
        '    path: /posts/{id}\n'
        f'    schema: {BLOG}:PostSchema\n'
        f'    anonymous: {BLOG}:PublicPosts\n'
    )
    config.set_security_policy(HeaderPolicy())
    config.load_resources(str(path))
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/posts/1').json == {'id': 1, 'title': 'Post 1'}
    assert app.get('/posts/1', headers={'X-User': 'a'}).json['author'] == 'ann'
    assert app.options('/posts/1').headers['Allow'] == (
        'GET, HEAD, POST, PUT, DELETE, OPTIONS'
    )


def test_yaml_gives_one_verb_its_anonymous_class(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        f'  - class: {BLOG}:Posts\n'
        '    collection_path: /posts\n'
        '    path: /posts/{id}\n'
        f'    schema: {BLOG}:PostSchema\n'
        '    operations:\n'
        f'      get: {{anonymous: {BLOG}:PublicPosts}}\n'
    )
    config.set_security_policy(HeaderPolicy())
    config.load_resources(str(path))
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/posts/1').json == {'id': 1, 'title': 'Post 1'}
    # Only get: the item has no public POST, collection_get is the main's.
    assert app.options('/posts/1').headers['Allow'] == (
        'GET, HEAD, PUT, DELETE, OPTIONS'
    )
    assert app.get('/posts').json[0]['author'] == 'ann'


def test_add_resource_resolves_a_dotted_name(
    config: Configurator, make_app: Any
) -> None:
    config.add_resource(
        Posts,
        collection_path='/posts',
        path='/posts/{id}',
        anonymous=f'{BLOG}.PublicPosts',
    )
    assert make_app().get('/posts/1').json == {'id': 1, 'title': 'Post 1'}


def test_yaml_refuses_what_is_not_a_class(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        f'  - class: {BLOG}:Posts\n'
        '    path: /posts/{id}\n'
        '    collection_path: /posts\n'
        f'    anonymous: {BLOG}:reset\n'
    )
    with pytest.raises(ResourceConfigurationError, match='is not a class'):
        config.load_resources(str(path))


def test_the_resource_decorator_takes_it(
    config: Configurator, make_app: Any
) -> None:
    config.set_security_policy(HeaderPolicy())
    config.scan('tests.anonymous.scanned')
    app = make_app()
    assert app.get('/scanned/1').json == {'anonymous': True}
    assert app.get('/scanned/1', headers={'X-User': 'a'}).json == {
        'anonymous': False
    }


def test_the_introspector_shows_both_classes(config: Configurator) -> None:
    add_posts(config)
    config.commit()
    introspector = config.registry.introspector
    resource = introspector.get('restkit resources', 'posts')
    assert resource['operations']['get'].anonymous is PublicPosts
    klass, opts = resource['anonymous']['get']
    assert klass is PublicPosts
    # The public class's own options, and none of the main class's.
    assert opts.response_schema.__class__.__name__ == 'PublicPostOut'
    assert opts.schema is None
    op = introspector.get('restkit operations', ('posts', 'anonymous', 'post'))
    assert op['anonymous'] is True
    assert op['class'] is PublicPosts
    assert op['verb'] == 'POST'
    assert op.title == 'POST /posts/{id} (PublicPosts.post, anonymous)'


def test_views_carry_the_authenticated_predicate(config: Configurator) -> None:
    add_posts(config)
    config.commit()
    views = sorted(
        (
            tuple(intr['request_methods']),
            str(_permission(config, intr)),
            intr.get('restkit_authenticated'),
        )
        for intr in (
            entry['introspectable']
            for entry in config.registry.introspector.get_category('views')
        )
        if intr['route_name'] == 'posts.item'
    )
    assert views == [
        (('DELETE',), 'nobody', False),  # the public class's permission
        (('GET', 'HEAD'), 'None', False),
        (('GET', 'HEAD'), 'None', True),
        (('OPTIONS',), '__no_permission_required__', None),
        (('POST',), 'None', None),  # the public class's alone: everyone
        (('PUT',), '__no_permission_required__', False),  # the challenge
        (('PUT', 'DELETE'), 'edit', True),
    ]


def _permission(config: Configurator, view: Any) -> Any:
    """The permission related to a view's introspectable."""
    related = config.registry.introspector.related(view)
    found = [i['value'] for i in related if i.category_name == 'permissions']
    return found[0] if found else None


def test_the_predicate_takes_a_boolean() -> None:
    with pytest.raises(ConfigurationError, match='True or False'):
        RestkitAuthenticatedPredicate('yes', None)


def test_prestkit_shows_the_anonymous_class(config: Configurator) -> None:
    add_posts(config)
    config.commit()
    rows = operation_rows(config.registry, Path.cwd())
    by_verb = {(r['route'], r['verb']): r for r in rows}
    get = by_verb[('posts.item', 'GET')]
    assert get['method'] == 'get'
    assert get['http'] == {'anonymous': 'PublicPosts'}
    # The public class's verb the main class lacks is a row of its own.
    post = by_verb[('posts.item', 'POST')]
    assert post['method'] == 'post'
    assert post['schema'] == 'FlagSchema'
    assert 'anonymous=PublicPosts' in format_table(rows)


# -- configuration errors ---------------------------------------------------


def _add(config: Configurator, cls: type = Posts, **options: Any) -> None:
    config.add_resource(
        cls, collection_path='/posts', path='/posts/{id}', **options
    )


def test_anonymous_must_be_a_class(config: Configurator) -> None:
    with pytest.raises(ResourceConfigurationError, match='must be a class'):
        _add(config, anonymous=42)
    with pytest.raises(ResourceConfigurationError, match='must be a class'):
        _add(config, anonymous=f'{BLOG}.reset')
    with pytest.raises(
        ResourceConfigurationError,
        match=r"anonymous='tests\.anonymous\.nowhere\.X' cannot be imported",
    ):
        _add(config, anonymous='tests.anonymous.nowhere.X')


def test_an_anonymous_class_needs_a_verb_method(config: Configurator) -> None:
    class Nothing:
        pass

    with pytest.raises(
        ResourceConfigurationError, match='Nothing defines no verb method'
    ):
        _add(config, anonymous=Nothing)


def test_operation_anonymous_needs_the_method(config: Configurator) -> None:
    class NoPut:
        def get(self) -> None: ...

    class Main:
        @operation(anonymous=NoPut)
        def put(self) -> None: ...

    with pytest.raises(
        ResourceConfigurationError,
        match=r"'main'\.put: anonymous=.*NoPut has no put",
    ):
        config.add_resource(Main, path='/m/{id}')


def test_anonymous_methods_need_the_route(config: Configurator) -> None:
    class Public:
        def collection_get(self) -> None: ...

    class Items:
        def get(self) -> None: ...

    with pytest.raises(
        ResourceConfigurationError,
        match='defines collection_get but the resource has no collection_path',
    ):
        config.add_resource(Items, path='/items/{id}', anonymous=Public)


@pytest.mark.parametrize('name', ['throttle', 'cors_origins', 'anonymous'])
def test_an_anonymous_class_cannot_set_shared_options(
    config: Configurator, name: str
) -> None:
    value = {
        'throttle': '10/minute',
        'cors_origins': ['https://a.example'],
        'anonymous': Posts,
    }[name]

    class Public:
        @operation(**{name: value})
        def get(self) -> None: ...

    with pytest.raises(
        ResourceConfigurationError, match=f'{name} cannot be given by an'
    ):
        _add(config, anonymous=Public)


def test_collection_options_stay_on_collection_get(
    config: Configurator,
) -> None:
    class Public:
        @operation(pagination='page')
        def get(self) -> None: ...

    with pytest.raises(
        ResourceConfigurationError, match='apply to collection_get only'
    ):
        _add(config, anonymous=Public)


def test_class_options_are_resource_options(config: Configurator) -> None:
    @operation(status=201)
    class Public:
        def get(self) -> None: ...

    with pytest.raises(ResourceConfigurationError, match='unknown option'):
        _add(config, anonymous=Public)


def test_a_route_served_by_the_anonymous_class_alone(
    config: Configurator, make_app: Any
) -> None:
    class Public:
        def __init__(self, request: Any) -> None:
            self.request = request

        def collection_get(self) -> Any:
            return ['public']

    class Items:
        def __init__(self, request: Any) -> None:
            self.request = request

        def get(self) -> Any:
            return {'id': self.request.matchdict['id']}

    config.set_security_policy(HeaderPolicy())
    config.add_resource(
        Items, collection_path='/items', path='/items/{id}', anonymous=Public
    )
    app = make_app()
    for headers in ({}, {'X-User': 'a'}):
        assert app.get('/items', headers=headers).json == ['public']
    assert app.get('/items/1', headers={'X-User': 'a'}).json == {'id': '1'}
    assert app.get('/items/1', status=403).json['detail'] == (
        'GET needs an authenticated request.'
    )
    assert app.options('/items').headers['Allow'] == 'GET, HEAD, OPTIONS'
