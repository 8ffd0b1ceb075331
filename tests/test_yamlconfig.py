"""``config.load_resources``: declarative resources and media types."""

from __future__ import annotations

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

from pyramid_restkit.config import OPERATION_OPTIONS, RESOURCE_OPTIONS
from pyramid_restkit.decorators import OPERATION_ATTR
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.yamlconfig import (
    OPERATION_SPEC,
    OPTION_SPEC,
    load_resources,
)
from tests.fixtures.yaml import resources
from tests.fixtures.yaml.decorated import Items, ItemSchema

FIXTURES = Path(__file__).parent / 'fixtures' / 'yaml'
PKG = 'tests.fixtures.yaml'


@pytest.fixture
def config(config: Configurator) -> Configurator:
    # NOTE: includeme will register it; until then the tests do.
    config.add_directive('load_resources', load_resources, action_wrap=False)
    return config


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
    assert ops['collection_get']['summary'] == 'Blog posts'
    assert ops['collection_get']['tags'] == ['posts']
    assert ops['get']['tags'] == ['read']
    assert ops['get']['summary'] == 'One post'
    assert ops['get']['description'] == 'Reads one post.'
    assert ops['delete']['summary'] == 'from the decorator'
    assert ops['collection_get']['description'] == 'The posts of the blog.'
    assert ops['collection_get']['media_options'] == {
        'upper': {'prefix': 'posts:', 'extra': [1, {'a': 'b'}]}
    }
    assert type(ops['collection_get']['media_options']['upper']) is dict
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


# -- the three ways are one ---------------------------------------------------


def _equivalent_app(way: str) -> tuple[webtest.TestApp, Configurator]:
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.add_directive('load_resources', load_resources, action_wrap=False)
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
        11,
        'unbalanced braces',
    ),
    (
        f'resources:\n  - class: {R}.Posts\n    path: /posts/id}}{{\n',
        3,
        11,
        'unbalanced braces',
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
    assert ops['summary'] == 'no'
    assert ops['description'] == '2026-01-01'
    assert ops['media_options'] == {
        'json': {'indent': None, 'f': 1.5, 't': True}
    }


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
