"""``config.load_resources``: declarative resources and media types."""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator
from pyramid.exceptions import (
    ConfigurationConflictError,
    ConfigurationError,
    ConfigurationExecutionError,
)
from pyramid.security import Allowed, Denied

from pyramid_restkit import includeme
from pyramid_restkit.config.media_types import add_media_type
from pyramid_restkit.config.options import OPERATION_OPTIONS, RESOURCE_OPTIONS
from pyramid_restkit.config.resources import add_resource
from pyramid_restkit.config.yaml import (
    MEDIA_TYPE_SPEC,
    OPERATION_SPEC,
    OPTION_SPEC,
    RESOURCE_SPEC,
)
from pyramid_restkit.decorators import OPERATION_ATTR
from pyramid_restkit.errors import ResourceConfigurationError
from tests.fixtures.yaml import resources
from tests.fixtures.yaml.conflict import Clash
from tests.fixtures.yaml.decorated import Items, ItemSchema
from tests.fixtures.yaml.formats import UpperRenderer

FIXTURES = Path(__file__).parent.parent / 'fixtures' / 'yaml'
PKG = 'tests.fixtures.yaml'


class HeaderPolicy:
    """Grants the permissions listed in the ``X-Perms`` request header."""

    def identity(self, request: Any) -> None:
        return None

    def authenticated_userid(self, request: Any) -> None:
        return None

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        granted = request.headers.get('X-Perms', '').split()
        if permission in granted:
            return Allowed('granted')
        return Denied('refused')


def _full_app(config: Configurator, make_app: Any) -> webtest.TestApp:
    config.load_resources(f'{PKG}:full.yaml')
    return make_app()  # type: ignore[no-any-return]


# -- the format, end to end ---------------------------------------------------


def test_full_document_routes_and_statuses(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> None:
    app = _full_app(config, make_app)
    # defaults: the root factory gives the context
    assert app.get('/posts').json == {'posts': [1], 'context': 'root'}
    # operation status and schema (NewPost: min length 3)
    res = app.post_json('/posts', {'title': 'abcd'}, status=201)
    assert res.json == {'created': {'title': 'abcd'}}
    res = app.post_json('/posts', {'title': 'ab'}, status=400)
    assert res.json['errors'][0]['name'] == 'title'
    # the resource schema applies to PUT (PostSchema fills views)
    res = app.put_json('/posts/1', {'title': 'x'})
    assert res.json == {'replaced': {'title': 'x', 'views': 0}}
    app.put_json('/posts/1', {'title': 7}, status=400)
    # the decorator's status stays; YAML forces the media type
    res = app.delete('/posts/1', headers={'Accept': 'application/json'})
    assert res.status_int == 202
    assert res.content_type == 'application/yaml'
    assert 'Vary' not in res.headers


def test_full_document_media_types(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> None:
    app = _full_app(config, make_app)
    # get: its own default media type, options and response schema
    res = app.get('/posts/1')
    assert res.content_type == 'application/x-upper'
    assert res.body == b"ONE:{'ID': 1, 'TITLE': 'HELLO'}"
    assert app.get('/posts/1.json').json == {'id': 1, 'title': 'hello'}
    # get narrowed to json and upper: no yaml
    app.get('/posts/1.yaml', status=406)
    # the collection: json, yaml and upper, with the resource's options
    assert app.get('/posts.yaml').content_type == 'application/yaml'
    res = app.get('/posts', headers={'Accept': 'application/x-upper'})
    assert res.body == b"POSTS:{'POSTS': [1], 'CONTEXT': 'ROOT'}"
    app.get('/posts', headers={'Accept': 'application/xml'}, status=406)
    # the custom parser (typed: false, so the schema coerces)
    res = app.post(
        '/posts',
        b'HELLO',
        headers={'Content-Type': 'text/x-upper; charset=utf-8'},
        status=201,
    )
    assert res.json == {'created': {'title': 'hello'}}


def test_full_document_module_resource(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> None:
    app = _full_app(config, make_app)
    assert app.get('/notes').json == {'notes': ['first']}
    # @operation on the function is honoured, the YAML status too
    res = app.post_json('/notes', {'title': 'abcd'}, status=201)
    assert res.json == {'note': {'title': 'abcd'}}
    app.post_json('/notes', {'title': 'a'}, status=400)
    res = app.get('/notes/9', status=203)
    assert res.json == {'note': '9'}
    assert app.options('/notes/9').headers['Allow'] == 'GET, HEAD, OPTIONS'
    app.put_json('/notes/9', {}, status=405)
    intr = config.registry.introspector.get('restkit resources', 'api')
    assert intr['class'].__name__ == 'api'
    assert intr['class'].__module__ == f'{PKG}.api'
    assert intr['class'].__doc__ == 'Notes, as plain functions of the request.'
    assert set(intr['routes']) == {'api.collection', 'api.item'}


def test_full_document_permissions(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> None:
    config.set_security_policy(HeaderPolicy())
    app = _full_app(config, make_app)
    app.get('/posts', status=403)
    app.get('/posts', headers={'X-Perms': 'view'})
    # the mapping's lower-case key, and the operation's own permission
    app.put_json('/posts/1', {'title': 'x'}, status=403)
    app.put_json('/posts/1', {'title': 'x'}, headers={'X-Perms': 'edit'})
    app.get('/posts/1', headers={'X-Perms': 'view'}, status=403)
    app.get('/posts/1', headers={'X-Perms': 'read'})
    # the module resource inherits the default permission
    app.get('/notes', status=403)
    app.get('/notes', headers={'X-Perms': 'view'})
    app.options('/notes', status=204)


def test_full_document_introspection(config: Configurator) -> None:
    config.load_resources(f'{PKG}:full.yaml')
    config.commit()
    introspector = config.registry.introspector
    posts = introspector.get('restkit resources', 'posts')
    ops = posts['operations']
    assert ops['collection_get'].summary == 'Blog posts'
    assert ops['collection_get'].tags == ('posts',)
    assert ops['get'].tags == ('read',)
    assert ops['get'].summary == 'One post'
    assert ops['get'].description == 'Reads one post.'
    assert ops['delete'].summary == 'from the decorator'
    assert ops['collection_get'].description == 'The posts of the blog.'
    assert ops['collection_get'].media_options == {
        'upper': {'prefix': 'posts:', 'extra': [1, {'a': 'b'}]}
    }
    assert type(ops['collection_get'].media_options['upper']) is dict
    # responses (statuses as integers), deprecated, operation_id
    assert ops['collection_get'].responses == {404: 'No such post.'}
    assert ops['collection_get'].deprecated is False
    assert 'operation_id' not in ops['collection_get'].given
    assert ops['get'].responses == {
        404: 'No post with this id.',
        410: 'Deleted.',
    }
    assert ops['get'].deprecated is True
    assert ops['get'].operation_id == 'readPost'
    upper = introspector.get('restkit media types', 'upper')['media']
    assert upper.suffixes == ('.up',)
    assert upper.input_types == ('application/x-upper', 'text/x-upper')
    assert upper.typed is False
    assert upper.charsets == frozenset({'utf-8'})
    assert upper.problem_type == 'application/problem+json'
    assert upper.parse_opt_in is False
    assert upper.default_enabled is True
    route = introspector.get('routes', 'posts.item')
    assert route['pattern'].startswith('/posts/{id}')


def test_user_classes_are_not_changed(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> None:
    _full_app(config, make_app)
    assert not hasattr(resources.Posts.get, OPERATION_ATTR)
    assert getattr(resources.Posts.delete, OPERATION_ATTR) == {
        'status': 202,
        'summary': 'from the decorator',
    }
    intr = config.registry.introspector.get('restkit resources', 'posts')
    cls = intr['class']
    assert cls is not resources.Posts
    assert issubclass(cls, resources.Posts)
    assert cls.__qualname__ == 'Posts'
    assert cls.get.__name__ == 'get'
    assert getattr(cls.delete, OPERATION_ATTR) == {
        'status': 202,
        'summary': 'from the decorator',
        'media_type': 'yaml',
    }


def test_absolute_path_and_plain_file(
    config: Configurator,
    make_app: Callable[[], webtest.TestApp],
    tmp_path: Path,
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'media_types:\n'
        '  - {name: up2, media_type: text/x-up2,\n'
        f'     renderer: {PKG}.formats:upper_instance}}\n'
        'resources:\n'
        f'  - class: {PKG}.resources.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        '    media_types: [json, up2]\n'
        '    operations:\n'
        '      get: {media_type: up2}\n'
    )
    config.load_resources(str(path))
    app = make_app()
    assert app.get('/tags').json == {'tags': ['a', 'b']}
    assert app.get('/tags/x').body == b"{'TAG': 'X'}"
    assert 'tagged.item' in app.app.routes_mapper.routes


def test_specs_match_directive_options() -> None:
    assert set(OPTION_SPEC) == RESOURCE_OPTIONS
    assert set(OPERATION_SPEC) == OPERATION_OPTIONS
    # every keyword of the directives has its key (cls: class or module)
    params = set(inspect.signature(add_resource).parameters)
    named = params - {'config', 'cls', 'options'}
    assert set(RESOURCE_SPEC) == (
        named | RESOURCE_OPTIONS | {'class', 'module', 'operations'}
    )
    params = set(inspect.signature(add_media_type).parameters)
    private = {name for name in params if name.startswith('_')}
    assert set(MEDIA_TYPE_SPEC) == params - {'config'} - private


def test_defaults_responses_and_deprecated(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        "defaults: {deprecated: true, responses: {'401': Log in.}}\n"
        'resources:\n'
        f'  - class: {R}.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        '    deprecated: false\n'
        '    operations:\n'
        "      get: {responses: {'404': No such tag., '503': Later.}}\n"
    )
    config.load_resources(str(path))
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'tagged')
    ops = intr['operations']
    assert ops['collection_get'].deprecated is False
    assert ops['collection_get'].responses == {401: 'Log in.'}
    # an operation's responses are merged into the resource's
    assert ops['get'].responses == {
        401: 'Log in.',
        404: 'No such tag.',
        503: 'Later.',
    }


@pytest.mark.parametrize(
    'settings', [{'restkit.versioning': 'header', 'restkit.versions': '1 2'}]
)
def test_http_options(config: Configurator, tmp_path: Path) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'defaults: {cache_control: {max_age: 60, public: true}}\n'
        'resources:\n'
        f'  - class: {R}.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        "    cors_origins: '*'\n"
        '    versions: [1, "2"]\n'
        '    operations:\n'
        '      get: {etag: true, cache_control: no-store}\n'
        '      collection_get: {cors_origins: [https://a.example]}\n'
    )
    config.load_resources(str(path))
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'tagged')
    ops = intr['operations']
    assert ops['get'].etag is True
    assert ops['get'].cache_control == 'no-store'
    assert ops['get'].cors_origins == ('*',)
    assert ops['get'].versions == ('1', '2')
    assert ops['collection_get'].cache_control == 'max-age=60, public'
    assert ops['collection_get'].cors_origins == ('https://a.example',)


# -- the three ways are one ---------------------------------------------------


def _equivalent_app(way: str) -> tuple[webtest.TestApp, Configurator]:
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    if way == 'python':
        config.add_resource(
            Items,
            name='items',
            collection_path='/items',
            path='/items/{id}',
            schema=ItemSchema,
            permission={'PUT': 'edit'},
        )
    elif way == 'scan':
        config.scan(f'{PKG}.decorated')
    else:
        config.load_resources(f'{PKG}:items.yaml')
    config.set_security_policy(HeaderPolicy())
    return webtest.TestApp(config.make_wsgi_app()), config


def _snapshot(way: str) -> dict[str, Any]:
    app, config = _equivalent_app(way)
    introspector = config.registry.introspector
    routes = {
        intr['name']: intr['pattern']
        for intr in introspector.get_category('routes')
        for intr in [intr['introspectable']]
        if not intr['name'].startswith('restkit.')
    }
    requests = [
        ('GET', '/items', None, {}),
        ('GET', '/items.yaml', None, {}),
        ('POST', '/items', {'name': 'a'}, {}),
        ('POST', '/items', {'name': 1}, {}),
        ('GET', '/items/3', None, {'Accept': 'application/xml'}),
        ('PUT', '/items/3', {'name': 'b'}, {}),
        ('PUT', '/items/3', {'name': 'b'}, {'X-Perms': 'edit'}),
        ('DELETE', '/items/3', None, {}),
        ('PATCH', '/items/3', {}, {}),
        ('OPTIONS', '/items', None, {}),
        ('OPTIONS', '/items/3', None, {}),
    ]
    responses = []
    for method, url, body, headers in requests:
        res = app.request(
            url,
            method=method,
            headers=headers,
            body=b'' if body is None else webtest.utils.dumps(body).encode(),
            content_type=None if body is None else 'application/json',
            expect_errors=True,
        )
        responses.append(
            (res.status, res.headers.get('Allow'), res.content_type, res.body)
        )
    return {'routes': routes, 'responses': responses}


def test_python_scan_and_yaml_are_equivalent() -> None:
    python = _snapshot('python')
    assert python['routes'] == {
        'items.collection': '/items{restkit_suffix:(?:\\.[^./]+)?}',
        'items.item': '/items/{id}',
    }
    assert python['responses'][2][0] == '201 Created'
    assert python['responses'][5][0] == '403 Forbidden'
    assert python['responses'][9][1] == 'GET, HEAD, POST, OPTIONS'
    assert python['responses'][10][1] == 'GET, HEAD, PUT, DELETE, OPTIONS'
    assert _snapshot('scan') == python
    assert _snapshot('yaml') == python


# -- conflicts ----------------------------------------------------------------


def test_conflict_with_a_decorated_class(config: Configurator) -> None:
    config.load_resources(f'{PKG}:full.yaml')
    config.scan(f'{PKG}.conflict')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert str(FIXTURES / 'full.yaml') in message
    assert 'Line 19 of file' in message
    assert '- name: posts' in message
    assert str(FIXTURES / 'conflict.py') in message


def test_conflict_between_two_files(config: Configurator) -> None:
    config.load_resources(f'{PKG}:full.yaml')
    config.load_resources(f'{PKG}:other.yaml')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert "('restkit paths', '/posts')" in message
    assert f'Line 19 of file {FIXTURES / "full.yaml"}' in message
    assert f'Line 3 of file {FIXTURES / "other.yaml"}' in message
    assert '- name: articles' in message


# -- the restkit.resources setting: the application's own configuration ----


def _with_setting(*specs: str, **kwargs: Any) -> Configurator:
    config = Configurator(
        settings={'restkit.resources': '\n'.join(specs)},
        autocommit=False,
        **kwargs,
    )
    config.include('pyramid_restkit')
    return config


def _line() -> int:
    """The line number of the caller's next line."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return frame.f_back.f_lineno + 1


@pytest.mark.parametrize(
    ('options', 'discriminator'),
    [
        (
            {'name': 'posts', 'collection_path': '/elsewhere'},
            "('route', 'posts.collection')",
        ),
        (
            {'name': 'clash', 'collection_path': '/posts'},
            "('restkit paths', '/posts')",
        ),
    ],
)
def test_setting_conflicts_with_add_resource(
    options: dict[str, Any], discriminator: str
) -> None:
    config = _with_setting(f'{PKG}:full.yaml')
    line = _line()
    config.add_resource(Clash, **options)
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert discriminator in message
    assert f'Line 19 of file {FIXTURES / "full.yaml"}' in message
    assert '- name: posts' in message
    assert f'Line {line} of file {__file__}' in message
    assert 'config.add_resource(Clash, **options)' in message


def test_setting_conflicts_with_a_scan() -> None:
    config = _with_setting(f'{PKG}:full.yaml')
    config.scan(f'{PKG}.conflict')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert "('route', 'posts.collection')" in message
    assert f'Line 19 of file {FIXTURES / "full.yaml"}' in message
    assert f'Line 6 of file {FIXTURES / "conflict.py"}' in message


@pytest.mark.parametrize('second', ['setting', 'load_resources'])
def test_setting_conflicts_with_a_second_file(second: str) -> None:
    if second == 'setting':
        config = _with_setting(f'{PKG}:full.yaml', f'{PKG}:other.yaml')
    else:
        config = _with_setting(f'{PKG}:full.yaml')
        config.load_resources(f'{PKG}:other.yaml')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert "('restkit paths', '/posts')" in message
    assert f'Line 19 of file {FIXTURES / "full.yaml"}' in message
    assert f'Line 3 of file {FIXTURES / "other.yaml"}' in message


@pytest.mark.parametrize('how', ['nested include', 'includeme called'])
def test_setting_conflicts_wherever_the_kit_is_included(how: str) -> None:
    # the include path is the includer's, whatever its depth; includeme
    # called as a plain function keeps the caller's
    settings = {'restkit.resources': f'{PKG}:full.yaml'}
    config = Configurator(settings=settings, autocommit=False)
    if how == 'nested include':
        config.include(f'{PKG}.nested')
    else:
        includeme(config)
        config.add_resource(Clash, name='clash', collection_path='/posts')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert "('restkit paths', '/posts')" in message
    assert f'Line 19 of file {FIXTURES / "full.yaml"}' in message


def _json_yaml(tmp_path: Path) -> Path:
    path = tmp_path / 'json.yaml'
    path.write_text(
        'media_types:\n'
        '  - name: json\n'
        '    media_type: application/json\n'
        f'    renderer: {PKG}.formats:upper_instance\n'
        'resources:\n'
        f'  - class: {R}.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
    )
    return path


def test_setting_replaces_a_builtin_media_type(tmp_path: Path) -> None:
    # the application overrides the kit's include, whichever way it writes
    config = _with_setting(str(_json_yaml(tmp_path)))
    app = webtest.TestApp(config.make_wsgi_app())
    res = app.get('/tags')
    assert res.content_type == 'application/json'
    assert res.body == b"{'TAGS': ['A', 'B']}"
    intr = config.registry.introspector.get('restkit media types', 'json')
    assert intr.action_info.file == str(tmp_path / 'json.yaml')


def test_setting_conflicts_with_the_apps_media_type(tmp_path: Path) -> None:
    config = _with_setting(str(_json_yaml(tmp_path)))
    config.add_media_type('json', 'application/json', renderer=UpperRenderer())
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    message = str(info.value)
    assert "('restkit media types', 'json')" in message
    assert f'Line 2 of file {tmp_path / "json.yaml"}' in message
    assert f'of file {__file__}' in message


def test_setting_relative_spec_and_names_use_the_root_package(
    tmp_path: Path,
) -> None:
    # 'items.yaml' is in the application's package, not the kit's; so are
    # the relative dotted names of a file given by its absolute path
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        '  - class: .resources.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
    )
    config = _with_setting('items.yaml', str(path), package=PKG)
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/items').json == [{'id': 1}]
    assert app.get('/tags').json == {'tags': ['a', 'b']}


def test_commit_time_error_cites_the_yaml_line(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        f'  - class: {PKG}.resources.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        '    media_types: [json]\n'
        '    default_media_type: yaml\n'
    )
    config.load_resources(str(path))
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert f'Line 2 of file {path}' in str(info.value)
    assert 'default_media_type' in str(info.value)


# -- errors -------------------------------------------------------------------

R = f'{PKG}.resources'
HEAD = f'resources:\n  - class: {R}.Posts\n    collection_path: /p\n'
PATH = HEAD + '    path: '

ERRORS = [
    # syntax and the safe loader
    ('resources: [\n', 2, 1, 'invalid YAML'),
    ('a: !!python/object:os.system\n', 1, 4, 'tags are not allowed'),
    ('a: !custom x\n', 1, 4, "tags are not allowed: '!custom'"),
    ('a: &x 1\n', 1, 4, 'anchors and aliases'),
    ('a: *x\n', 1, 4, 'anchors and aliases'),
    ('resources: []\n1: a\n', 2, 1, 'a key must be a string'),
    ('resources: []\nresources: []\n', 2, 1, "duplicate key 'resources'"),
    ('resources: []\n---\nresources: []\n', 2, 1, 'found another document'),
    ('resources: []\n  x\x07\n', 2, 4, 'special characters'),
    # the document
    ('', 1, 1, 'document: expected a mapping, not null'),
    ('- a\n', 1, 1, 'document: expected a mapping, not a list'),
    ('resource: []\n', 1, 1, "did you mean 'resources'?"),
    ('zzz: 1\n', 1, 1, "unknown key 'zzz' (expected one of"),
    ('version: 2\n', 1, 10, 'version: expected 1, not an integer 2'),
    ("version: '1'\n", 1, 10, 'version: expected 1'),
    ('defaults: [a]\n', 1, 11, 'defaults: expected a mapping'),
    ('defaults: {name: x}\n', 1, 12, "defaults: unknown key 'name'"),
    ('resources: {}\n', 1, 12, 'resources: expected a list'),
    ('media_types: x\n', 1, 14, 'media_types: expected a list'),
    # media types
    ('media_types: [a]\n', 1, 15, 'media type: expected a mapping'),
    (
        'media_types:\n  - name: a\n',
        2,
        5,
        "media type: missing key 'media_type'",
    ),
    (
        'media_types:\n  - {name: a, media_type: a/b, typed: no}\n',
        2,
        39,
        'typed: expected true or false, not a string',
    ),
    (
        'media_types:\n  - {name: a, media_type: a/b, suffixes: .a}\n',
        2,
        42,
        'suffixes: expected a list of strings',
    ),
    (
        'media_types:\n  - {name: a, media_type: a/b, suffixes: [1]}\n',
        2,
        42,
        'suffixes: expected a list of strings',
    ),
    (
        f'media_types:\n  - {{name: a, media_type: a/b,\n'
        f'     renderer: {PKG}.formats.no_dumps}}\n',
        3,
        16,
        'has no dumps(value, request) method',
    ),
    (
        f'media_types:\n  - {{name: a, media_type: a/b,\n'
        f'     parser: {PKG}.formats.not_callable}}\n',
        3,
        14,
        'parser: ',
    ),
    (
        f'media_types:\n  - {{name: a, media_type: a/b,\n'
        f'     renderer: {PKG}.formats:PrefixedRenderer}}\n',
        3,
        16,
        "renderer: cannot instantiate the class 'tests.fixtures.yaml.formats:"
        "PrefixedRenderer' with no arguments (",
    ),
    (
        f'media_types:\n  - {{name: a, media_type: a/b,\n'
        f'     parser: {PKG}.formats.PrefixedRenderer}}\n',
        3,
        14,
        "missing 1 required positional argument: 'prefix'); expected a "
        'class whose constructor takes none, or an instance',
    ),
    (
        f'media_types:\n  - {{name: a-b, media_type: a/b,\n'
        f'     parser: {PKG}.formats.parse_upper}}\n',
        2,
        5,
        'a media type name must be an identifier',
    ),
    # resources
    ('resources: [x]\n', 1, 13, 'resource: expected a mapping'),
    ('resources:\n  - path: /a\n', 2, 5, "either 'class' or 'module'"),
    (
        f'resources:\n  - {{class: {R}.Posts, module: {R}, path: /a}}\n',
        2,
        5,
        "either 'class' or 'module'",
    ),
    (
        f'resources:\n  - class: {R}.Posts\n',
        2,
        5,
        "expected 'collection_path', 'path' or both",
    ),
    (
        f'resources:\n  - class: {R}.NOT_A_CLASS\n    path: /a\n',
        2,
        12,
        'is not a class',
    ),
    (
        f'resources:\n  - module: {R}.Posts\n    path: /a\n',
        2,
        13,
        'is not a module',
    ),
    (
        'resources:\n  - class: no_such_module_x.Posts\n    path: /a\n',
        2,
        12,
        "cannot resolve the dotted name 'no_such_module_x.Posts': "
        'ModuleNotFoundError',
    ),
    (
        f'resources:\n  - class: {R}:Missing\n    path: /a\n',
        2,
        12,
        "ImportError: module 'tests.fixtures.yaml.resources' has no attribute",
    ),
    (
        f'resources:\n  - class: {R}.Posts\n    name: ""\n    path: /a\n',
        3,
        11,
        'name: expected a non-empty string',
    ),
    (
        f'resources:\n  - class: {R}.Posts\n    path: /posts/{{id\n',
        3,
        18,
        "path: unbalanced '{' in the route pattern '/posts/{id'; expected "
        'placeholders such as {id} or {id:\\d+}',
    ),
    (
        f'resources:\n  - class: {R}.Posts\n    path: /posts/id}}{{\n',
        3,
        20,
        "unbalanced '}'",
    ),
    # route patterns, checked as Pyramid reads them; the column is the
    # character at fault when the value is written as it is
    (
        PATH + '/p/{id:(}\n',
        4,
        18,
        "path: the regex of 'id' is invalid (missing ), unterminated "
        "subpattern) in the route pattern '/p/{id:(}'; expected a Python "
        'regular expression',
    ),
    (PATH + "'/p/{id:x)}'\n", 4, 20, 'invalid (unbalanced parenthesis)'),
    (PATH + '"/p/{id:[z-a]}"\n', 4, 20, 'bad character range z-a'),
    # an escape in the value: its own column
    (PATH + '"/p/{id:\\\\d+(}"\n', 4, 11, 'missing ), unterminated'),
    (PATH + '/p/{a:(?<=a+)}\n', 4, 17, 'look-behind requires fixed-width'),
    (PATH + '/p/{a}/{b:(?i)x}\n', 4, 21, 'global flags not at the start'),
    (PATH + '/p/{a}/{b:(?P=c)}\n', 4, 25, "unknown group name 'c'"),
    (
        PATH + '/p/{1}\n',
        4,
        15,
        "path: '1' is not a placeholder name in the route pattern '/p/{1}'; "
        'expected an identifier (ASCII letters, digits, _), as in {id}',
    ),
    (PATH + '/p/{}\n', 4, 15, 'path: no name in the route pattern'),
    (PATH + '/p/{a-b}\n', 4, 15, "'a-b' is not a placeholder name"),
    (PATH + '/p/{a-b:\\d+}\n', 4, 15, "'a-b' is not a placeholder name"),
    (PATH + '/p/{é}\n', 4, 15, "'é' is not a placeholder name"),
    (
        PATH + '/p/{y:\\d{1{2}}}\n',
        4,
        14,
        "braces nested too deep in the route pattern '/p/{y:\\\\d{1{2}}}'; "
        'expected one level, as in {y:\\d{4}}',
    ),
    (
        PATH + '/p/{a}/{a:\\d+}\n',
        4,
        19,
        "the placeholder name 'a' is used twice in the route pattern "
        "'/p/{a}/{a:\\\\d+}'; expected distinct names",
    ),
    (
        PATH + '/p/:a/b\n',
        4,
        14,
        "path: the old style placeholder ':a' in the route pattern '/p/:a/b'; "
        'expected {a} instead',
    ),
    (PATH + '/p/{a}/*a\n', 4, 19, "the placeholder name 'a' is used twice"),
    (
        PATH + '/p/{a:(?P<b>x)}/{b}\n',
        4,
        28,
        "the placeholder name 'b' is used twice (redefinition of group name",
    ),
    (
        PATH + '/p/*/x\n',
        4,
        14,
        "path: '*' before the end in the route pattern '/p/*/x'; expected a "
        'remainder *name at the end',
    ),
    (PATH + '/p/*\n', 4, 15, 'path: no name in the route pattern'),
    (PATH + '/p/*1a\n', 4, 15, "'1a' is not a placeholder name"),
    (
        PATH + 'http://example.com/p/{id}\n',
        4,
        11,
        "path: a URL in the route pattern 'http://example.com/p/{id}'; "
        'expected a path of the application such as /posts/{id}',
    ),
    (PATH + '//example.com/p\n', 4, 11, 'path: a URL'),
    (PATH + "'//[x/p'\n", 4, 12, 'path: a URL'),
    (
        f'resources:\n  - class: {R}.Posts\n    collection_path: /{{a:(}}\n',
        3,
        26,
        "collection_path: the regex of 'a' is invalid",
    ),
    # responses, deprecated, operation_id
    (HEAD + '    responses: [404]\n', 4, 16, 'responses: expected a mapping'),
    (
        HEAD + '    responses: {404: Gone.}\n',
        4,
        17,
        "a key must be a string, not 404 (quote it: '404')",
    ),
    (
        HEAD + "    responses: {'4o4': Gone.}\n",
        4,
        17,
        "responses: expected an HTTP status (200-599) as key, not '4o4'",
    ),
    (HEAD + "    responses: {'600': x}\n", 4, 17, "not '600'"),
    (HEAD + "    responses: {'199': x}\n", 4, 17, "not '199'"),
    (HEAD + "    responses: {'0404': x}\n", 4, 17, "not '0404'"),
    (
        HEAD + "    responses: {'404': 1}\n",
        4,
        24,
        'responses.404: expected a non-empty string, not an integer 1',
    ),
    (HEAD + "    responses: {'404': ''}\n", 4, 24, 'responses.404: expected'),
    (
        HEAD + '    deprecated: yes\n',
        4,
        17,
        "deprecated: expected true or false, not a string 'yes'",
    ),
    (
        'defaults: {deprecated: 1}\n',
        1,
        24,
        'deprecated: expected true or false, not an integer 1',
    ),
    (
        "defaults: {responses: {'200': [ok]}}\n",
        1,
        31,
        'responses.200: expected a non-empty string, not a list',
    ),
    (
        HEAD + '    operation_id: getPosts\n',
        4,
        5,
        "resource: 'operation_id' is an option of one operation; expected "
        'it under operations, as in {get: {operation_id: ...}}',
    ),
    (HEAD + '    status: 201\n', 4, 5, "'status' is an option of one"),
    ('defaults: {media_type: json}\n', 1, 12, "defaults: 'media_type' is an"),
    (
        HEAD + '    operations: {collection_get: {operation_id: 7}}\n',
        4,
        49,
        'operation_id: expected a non-empty string, not an integer 7',
    ),
    (
        HEAD + '    operations: {collection_get: {operation_ids: x}}\n',
        4,
        35,
        "did you mean 'operation_id'?",
    ),
    (
        HEAD + '    operations: {collection_get: {deprecated: null}}\n',
        4,
        47,
        'deprecated: expected true or false, not null',
    ),
    (
        HEAD + "    operations: {collection_get: {responses: {'99': x}}}\n",
        4,
        47,
        "responses: expected an HTTP status (200-599) as key, not '99'",
    ),
    (
        f'resources:\n  - class: {R}.Tagged\n    path: /a\n',
        2,
        5,
        'defines collection_get but has no collection_path',
    ),
    (
        HEAD + '    schema: x.y\n',
        4,
        13,
        "cannot resolve the dotted name 'x.y'",
    ),
    (
        HEAD + f'    schema: {PKG}.schemas.not_a_schema\n',
        4,
        13,
        'must be a colander schema',
    ),
    (HEAD + '    permission: [a]\n', 4, 17, 'expected a permission or a'),
    (HEAD + '    permission: {GTE: a}\n', 4, 18, "did you mean 'GET'?"),
    (HEAD + '    permission: {GET: 1}\n', 4, 23, 'GET: expected a non-empty'),
    (HEAD + '    media_options: []\n', 4, 20, 'expected a mapping'),
    (HEAD + '    media_options: {xml: 1}\n', 4, 26, 'xml: expected a mapping'),
    (HEAD + '    operations: []\n', 4, 17, 'operations: expected a mapping'),
    (
        HEAD + '    operations: {colection_get: {}}\n',
        4,
        18,
        "did you mean 'collection_get'?",
    ),
    (
        HEAD + '    operations: {collection_patch: {}}\n',
        4,
        18,
        "Posts has no method 'collection_patch'",
    ),
    (
        HEAD + '    operations: {collection_get: x}\n',
        4,
        34,
        'operations.collection_get: expected a mapping',
    ),
    (
        HEAD + '    operations:\n      collection_get: {stauts: 201}\n',
        5,
        24,
        "did you mean 'status'?",
    ),
    (
        HEAD + '    operations: {collection_get: {status: 404}}\n',
        4,
        43,
        'status: expected an integer from 200 to 399, not an integer 404',
    ),
    (
        HEAD + '    operations: {collection_get: {status: true}}\n',
        4,
        43,
        'not a boolean True',
    ),
    (
        HEAD + '    versions: [1.5]\n',
        4,
        15,
        'versions: expected a list of versions',
    ),
    (
        HEAD + '    cache_control: [public]\n',
        4,
        20,
        'cache_control: expected a Cache-Control string or a mapping',
    ),
    (
        HEAD + '    cache_control: {max_age: 1.5}\n',
        4,
        30,
        'cache_control.max_age: expected true, false, an integer or a string',
    ),
    (
        HEAD + '    cors_origins: 1\n',
        4,
        19,
        'cors_origins: expected a list of strings',
    ),
]


@pytest.mark.parametrize(('text', 'line', 'column', 'message'), ERRORS)
def test_errors_cite_file_line_and_column(
    config: Configurator,
    tmp_path: Path,
    text: str,
    line: int,
    column: int,
    message: str,
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(text, encoding='utf-8')
    with pytest.raises(ResourceConfigurationError) as info:
        config.load_resources(str(path))
    assert isinstance(info.value, ConfigurationError)
    assert str(info.value).startswith(f'{path}:{line}:{column}: ')
    assert message in str(info.value)


def test_patterns_pyramid_accepts(
    config: Configurator,
    make_app: Callable[[], webtest.TestApp],
    tmp_path: Path,
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'resources:\n'
        # relative, as Pyramid allows; a regex with braces
        f'  - {{class: {R}.Tagged, name: a, collection_path: tags,\n'
        "     path: '/tags/{name:[a-z]{2,3}}'}\n"
        # the remainder, at the end
        f'  - {{class: {R}.Named, name: b, path: /files/*name}}\n'
        # a regex referring to an earlier placeholder; an empty regex
        f'  - {{class: {R}.Named, name: c,\n'
        "     path: '/same/{x}/{name:(?P=x)}/{y:}'}\n"
        # a colon is text when there are placeholders
        f'  - {{class: {R}.Named, path: "/p/{{name}}:edit"}}\n'
    )
    config.load_resources(str(path))
    app = make_app()
    assert app.get('/tags').json == {'tags': ['a', 'b']}
    assert app.get('/tags/abc').json == {'tag': 'abc'}
    app.get('/tags/abcd', status=404)
    assert app.get('/files/a/b').json == {'name': ['a', 'b']}
    res = app.get('/same/ab/ab/')
    assert res.json == {'x': 'ab', 'name': 'ab', 'y': ''}
    app.get('/same/ab/cd/', status=404)
    assert app.get('/p/x:edit').json == {'name': 'x'}


def test_python_object_tag_is_refused(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'evil.yaml'
    path.write_text(
        textwrap.dedent(
            """\
            resources:
              - class: !!python/object/apply:os.system ['touch pwned']
                path: /a
            """
        )
    )
    with pytest.raises(ResourceConfigurationError, match=':2:12: '):
        config.load_resources(str(path))
    assert not (Path.cwd() / 'pwned').exists()


def test_unreadable_files(config: Configurator, tmp_path: Path) -> None:
    with pytest.raises(ResourceConfigurationError, match='cannot read'):
        config.load_resources(str(tmp_path / 'missing.yaml'))
    path = tmp_path / 'latin1.yaml'
    path.write_bytes(b'resources: []\n# caf\xe9\n')
    with pytest.raises(ResourceConfigurationError) as info:
        config.load_resources(str(path))
    assert str(info.value).startswith(f'{path}: cannot read')


def test_yaml_12_scalars(config: Configurator, tmp_path: Path) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'defaults: {summary: no, description: 2026-01-01}\n'
        'resources:\n'
        f'  - class: {R}.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        '    media_options: {json: {indent: null, f: 1.5, t: True}}\n'
    )
    config.load_resources(str(path))
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'tagged')
    ops = intr['operations']['get']
    assert ops.summary == 'no'
    assert ops.description == '2026-01-01'
    assert ops.media_options == {'json': {'indent': None, 'f': 1.5, 't': True}}


def test_no_permission_required_overrides_a_default(
    config: Configurator,
    make_app: Callable[[], webtest.TestApp],
    tmp_path: Path,
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'defaults: {permission: view}\n'
        'resources:\n'
        f'  - class: {R}.Tagged\n'
        '    collection_path: /tags\n'
        '    path: /tags/{name}\n'
        '    permission: __no_permission_required__\n'
        f'  - module: {PKG}.api\n'
        '    collection_path: /notes\n'
        '    path: /notes/{id}\n'
    )
    config.set_security_policy(HeaderPolicy())
    config.load_resources(str(path))
    app = make_app()
    assert app.get('/tags/a').json == {'tag': 'a'}
    app.get('/notes', status=403)


def test_nothing_is_registered_when_a_later_entry_is_wrong(
    config: Configurator, tmp_path: Path
) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'media_types:\n'
        '  - {name: up3, media_type: a/b,\n'
        f'     parser: {PKG}.formats.parse_upper}}\n'
        'resources:\n'
        f'  - {{class: {R}.Tagged, collection_path: /t, path: "/t/{{n}}"}}\n'
        f'  - {{class: {R}.Tagged, collection_path: /u, pth: "/u/{{n}}"}}\n'
    )
    with pytest.raises(
        ResourceConfigurationError,
        match=r":6:\d+: .*'pth'; did you mean 'path'",
    ):
        config.load_resources(str(path))
    config.commit()
    introspector = config.registry.introspector
    assert introspector.get('restkit media types', 'up3') is None
    assert introspector.get('restkit resources', 'tagged') is None
