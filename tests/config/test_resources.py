"""Directives: validation, conflicts, scan, introspection."""

from __future__ import annotations

import abc
import functools

import colander
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.exceptions import (
    ConfigurationConflictError,
    ConfigurationError,
    ConfigurationExecutionError,
)

from pyramid_restkit import operation, resource
from pyramid_restkit.config.classes import (
    takes_context as _takes_context,
)
from pyramid_restkit.config.classes import (
    takes_context_by_signature as _takes_context_by_signature,
)
from pyramid_restkit.errors import (
    ResourceConfigurationError,
    ResourceConfigurationWarning,
)
from pyramid_restkit.interfaces import IRestkitRoutes
from pyramid_restkit.patterns import normalize_pattern
from pyramid_restkit.scripts.prestkit import (
    near_misses as prestkit_near_misses,
)


class Items:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    def get(self):
        return {}


class Other:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return ['other']


class Schema(colander.MappingSchema):
    a = colander.SchemaNode(colander.Integer())


def test_route_names_and_default_name(config, make_app):
    config.add_resource(Items, collection_path='/items', path='/items/{id}')
    app = make_app()
    mapper = config.get_routes_mapper()
    assert [r.name for r in mapper.get_routes()][:2] == [
        'items.collection',
        'items.item',
    ]
    assert app.get('/items').json == []


def test_same_name_conflicts_naming_both_lines(config):
    config.add_resource(Other, name='items', collection_path='/a')
    config.add_resource(Other, name='items', collection_path='/b')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    text = str(info.value)
    assert "'items" in text
    assert "name='items', collection_path='/a'" in text
    assert "name='items', collection_path='/b'" in text


def test_same_path_conflicts_whatever_the_placeholder_names(config):
    config.add_resource(Items, collection_path='/x', path='/x/{id}')
    config.add_resource(Other, collection_path='x/{pk}')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    assert "('restkit paths', '/x/{}')" in str(info.value)


def test_conflict_between_scan_and_directive_names_both(config):
    config.add_resource(Other, name='clash', collection_path='/direct')
    config.scan('tests.fixtures.scanned_conflict')
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    text = str(info.value)
    assert 'scanned_conflict.py' in text
    assert 'test_resources.py' in text


def test_scan_registers_decorated_resource(config, make_app):
    config.scan('tests.fixtures.scanned')
    app = make_app()
    assert app.get('/notes').json == [{'id': 1, 'text': 'scanned'}]
    res = app.post_json('/notes', {'text': 'hi'}, status=201)
    assert res.json == {'text': 'hi', 'id': 2}
    assert app.get('/notes/5').json['id'] == 5
    app.post_json('/notes', {'text': 5}, status=400)


def test_decorator_returns_class_unchanged():
    class Plain:
        def get(self):
            return None

    assert resource(path='/p')(Plain) is Plain
    method = Plain.get
    assert operation(status=201)(method) is method
    assert method.__restkit_operation__ == {'status': 201}


def test_introspection(config):
    config.add_resource(
        Items, collection_path='/items', path='/items/{id}', tags=['x']
    )
    config.commit()
    introspector = config.registry.introspector
    intr = introspector.get('restkit resources', 'items')
    assert intr['class'] is Items
    assert intr['routes'] == {
        'items.collection': {
            'pattern': '/items',
            'allow': 'GET, HEAD, OPTIONS',
        },
        'items.item': {
            'pattern': '/items/{id}',
            'allow': 'GET, HEAD, OPTIONS',
        },
    }
    assert dict(intr['operations']['get'].items()) == {'tags': ('x',)}
    assert intr['operations']['get'].verb == 'GET'
    related = {
        (i.category_name, i.discriminator) for i in introspector.related(intr)
    }
    assert ('routes', 'items.collection') in related
    assert ('routes', 'items.item') in related
    media = introspector.get('restkit media types', 'json')
    assert media['media'].media_type == 'application/json'


def test_view_is_named_after_the_class(config):
    config.add_resource(Items, collection_path='/items', path='/items/{i}')
    config.commit()
    views = config.registry.introspector.get_category('views')
    found = [
        (
            v['introspectable']['callable'].__qualname__,
            v['introspectable']['request_methods'],
        )
        for v in views
        if v['introspectable']['route_name'] == 'items.collection'
    ]
    # one view per permission the verbs need (none here); the first also
    # answers OPTIONS
    assert found == [('Items', ('GET', 'HEAD', 'OPTIONS'))]


@pytest.mark.parametrize(
    ('args', 'kwargs', 'message'),
    [
        ((object(),), {'path': '/x'}, 'needs a class'),
        ((Items,), {}, 'needs a collection_path, a path, or both'),
        ((Items,), {'path': '/x', 'colour': 1}, 'unknown option(s) colour'),
        ((Items,), {'name': '', 'path': '/x'}, 'non-empty string'),
        ((Items,), {'collection_path': '/x'}, 'defines get but has no path'),
        ((Other,), {'path': '/x', 'collection_path': '/y'}, 'no method'),
        ((Items,), {'path': 5, 'collection_path': '/y'}, 'must be a string'),
        (
            (Items,),
            {'path': '/x', 'collection_path': '/y', 'permission': 5},
            'permission must be',
        ),
        (
            (Items,),
            {
                'path': '/x',
                'collection_path': '/y',
                'permission': {'FETCH': 'view'},
            },
            "verb 'FETCH'",
        ),
        (
            (Items,),
            {'path': '/x', 'collection_path': '/y', 'permission': {'get': 5}},
            'must be a string',
        ),
        (
            (Items,),
            {'path': '/x', 'collection_path': '/y', 'schema': 'nope'},
            'colander schema',
        ),
        (
            (Items,),
            {'path': '/x', 'collection_path': '/y', 'media_types': []},
            'non-empty list',
        ),
    ],
)
def test_bad_arguments_are_refused_at_once(config, args, kwargs, message):
    with pytest.raises(ResourceConfigurationError) as info:
        config.add_resource(*args, **kwargs)
    assert message in str(info.value)
    assert isinstance(info.value, ConfigurationError)


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        ({'responses': [404]}, 'responses maps statuses to descriptions'),
        ({'responses': {99: 'x'}}, '99 is not an HTTP status (200-599)'),
        ({'responses': {600: 'x'}}, '600 is not an HTTP status'),
        ({'responses': {True: 'x'}}, 'True is not an HTTP status'),
        ({'responses': {'404': 'x'}}, "'404' is not an HTTP status"),
        ({'responses': {404: 5}}, 'the description of 404 must be a string'),
        ({'summary': 5}, 'summary must be a string, not 5'),
        ({'description': ['x']}, 'description must be a string'),
        ({'deprecated': 'yes'}, "deprecated must be true or false, not 'yes'"),
    ],
)
def test_bad_documentation_options(config, options, message):
    with pytest.raises(ResourceConfigurationError) as info:
        config.add_resource(Items, path='/x', collection_path='/y', **options)
    assert message in str(info.value)


def test_bad_operation_id_and_unknown_operation_options(config):
    class Bad:
        @operation(operation_id=7)
        def get(self):
            return None

    with pytest.raises(ResourceConfigurationError, match='operation_id must'):
        config.add_resource(Bad, path='/bad')

    class Unknown:
        @operation(colour='red')
        def get(self):
            return None

    with pytest.raises(ResourceConfigurationError) as info:
        config.add_resource(Unknown, path='/unknown')
    assert "resource 'unknown'.get: unknown option(s) colour" in str(
        info.value
    )


def test_documentation_options_are_kept(config):
    class Documented:
        @operation(operation_id='read_it', responses={404: 'Gone.'})
        def get(self):
            return None

    config.add_resource(Documented, path='/d', deprecated=True)
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'documented')
    assert intr['operations']['get'].operation_id == 'read_it'
    assert intr['operations']['get'].responses == {404: 'Gone.'}
    assert intr['operations']['get'].deprecated is True


@pytest.mark.parametrize('status', [100, 404, 'x', True])
def test_bad_operation_status(config, status):
    class Bad:
        @operation(status=status)
        def get(self):
            return None

    with pytest.raises(ResourceConfigurationError, match='status must be'):
        config.add_resource(Bad, path='/bad')


def test_dotted_name_class(config, make_app):
    config.add_resource(
        'tests.config.test_resources.Other', collection_path='/o'
    )
    assert make_app().get('/o').json == ['other']


@pytest.mark.parametrize(
    ('kwargs', 'message'),
    [
        ({'media_types': ['csv']}, "'csv' is not enabled"),
        ({'default_media_type': 'csv'}, 'default_media_type'),
    ],
)
def test_media_type_errors_at_commit(config, kwargs, message):
    config.add_resource(Other, collection_path='/o', **kwargs)
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert message in str(info.value)


def test_forced_media_type_must_render(config):
    config.add_media_type(
        'upload', 'application/x-upload', parser=lambda body, options: body
    )

    class Forced:
        @operation(media_type='upload')
        def get(self):
            return None

    config.add_resource(Forced, path='/f')
    with pytest.raises(ConfigurationExecutionError, match='cannot render'):
        config.commit()


def test_operation_needs_a_renderable_media_type(config):
    config.add_media_type(
        'upload', 'application/x-upload', parser=lambda body, options: body
    )
    config.add_resource(Other, collection_path='/o', media_types=['upload'])
    with pytest.raises(ConfigurationExecutionError, match='can render'):
        config.commit()


@pytest.mark.parametrize(
    ('args', 'kwargs', 'message'),
    [
        (('bad name', 'a/b'), {'parser': len}, 'identifier'),
        (('ok', 'nonsense'), {'parser': len}, 'not a media type'),
        (('ok', 'a/b'), {}, 'a renderer, a parser, or both'),
        (('ok', 'a/b'), {'renderer': object()}, 'dumps'),
        (('ok', 'a/b'), {'parser': 'x'}, 'not callable'),
        (('ok', 'a/b'), {'parser': len, 'aliases': ['ab']}, 'an alias'),
        (('ok', 'a/b'), {'parser': len, 'aliases': [7]}, 'an alias'),
    ],
)
def test_add_media_type_validation(config, args, kwargs, message):
    with pytest.raises(ResourceConfigurationError, match=message):
        config.add_media_type(*args, **kwargs)


def test_duplicate_media_type_conflicts(config):
    config.add_media_type('one', 'a/one', parser=len)
    config.add_media_type('one', 'a/two', parser=len)
    with pytest.raises(ConfigurationConflictError):
        config.commit()


@pytest.mark.parametrize(
    ('pattern', 'shape'),
    [
        ('/posts/{id}', '/posts/{}'),
        ('posts/{pk}', '/posts/{}'),
        (r'/p/{id:\d+}', '/p/{}'),
        (r'/p/{id:\d{2}}/x', '/p/{}/x'),
        ('/f/*rest', '/f/{}'),
        ('/f/{kind}/*rest', '/f/{}/{}'),
        ('/static', '/static'),
        ('/static.json', '/static.json'),
    ],
)
def test_normalize_pattern(pattern, shape):
    assert normalize_pattern(pattern) == shape


def test_paths_one_openapi_path_apart_conflict(config):
    # Pyramid would route both (the first regex that matches wins), but
    # the OpenAPI document cannot hold two paths differing only in their
    # placeholders: a configuration error, not a silent merge.
    config.add_resource(
        Items, name='a', collection_path='/a', path=r'/x/{id:\d+}'
    )
    config.add_resource(
        Items, name='b', collection_path='/b', path='/x/{name:[a-z]+}'
    )
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    assert "('restkit paths', '/x/{}')" in str(info.value)


def test_include_twice_is_harmless():
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.include('pyramid_restkit')
    config.add_resource(Other, collection_path='/o')
    app = webtest.TestApp(config.make_wsgi_app())
    assert app.get('/o').json == ['other']


def test_include_adds_no_request_extensions_or_subscribers(config):
    from pyramid.interfaces import INewRequest, IRequestExtensions

    config.commit()
    registry = config.registry
    extensions = registry.queryUtility(IRequestExtensions)
    assert extensions is None or (
        not extensions.methods and not extensions.descriptors
    )
    assert not list(registry.adapters.subscriptions([INewRequest], None))


def test_thousand_resources_configure(config, make_app):
    # Not a timing test: many resources must not collide or misroute.
    for number in range(200):
        config.add_resource(
            Items,
            name=f'r{number}',
            collection_path=f'/r{number}',
            path=f'/r{number}/{{id}}',
        )
    app = make_app()
    assert app.get('/r199/1').json == {}
    assert app.get('/r0').json == []


def test_media_types_as_a_string(config, make_app):
    config.add_resource(Other, collection_path='/o', media_types='json')
    assert make_app().get('/o').json == ['other']


@pytest.mark.parametrize('value', [[5], ['json', None]])
def test_media_type_names_must_be_strings(config, value):
    with pytest.raises(ResourceConfigurationError, match='non-empty list'):
        config.add_resource(Other, collection_path='/o', media_types=value)


def test_restkit_route_predicate_takes_only_true(config):
    with pytest.raises(ConfigurationError, match='only True'):
        config.add_view(lambda request: {}, restkit_route='yes')
        config.commit()


def test_renderer_without_request(config):
    from pyramid.renderers import render

    config.commit()
    assert render('restkit.json', {'a': 1}) == b'{"a":1}'


def test_default_falls_back_to_first_renderable_type(config, make_app):
    class TextRenderer:
        def dumps(self, value, request):
            return str(value).encode()

    config.add_media_type('plain', 'text/plain', renderer=TextRenderer())
    config.add_resource(Other, collection_path='/o', media_types=['plain'])
    res = make_app().get('/o')
    assert res.content_type == 'text/plain'
    assert res.body == b"['other']"


def test_operations_are_introspectables(config):
    config.add_resource(
        Items, collection_path='/items', path='/items/{id}', tags=['x']
    )
    config.commit()
    introspector = config.registry.introspector
    op = introspector.get('restkit operations', ('items', 'get'))
    assert op['verb'] == 'GET'
    assert op['route'] == 'items.item'
    assert op['pattern'] == '/items/{id}'
    assert dict(op['options'].items()) == {'tags': ('x',)}
    assert op.title == 'GET /items/{id} (Items.get)'
    related = {
        (i.category_name, i.discriminator) for i in introspector.related(op)
    }
    assert related == {
        ('restkit resources', 'items'),
        ('routes', 'items.item'),
    }
    names = sorted(
        i['method']
        for i in introspector.get_category('restkit operations')
        for i in [i['introspectable']]
    )
    assert names == ['collection_get', 'get']


def _wrapped(init):
    @functools.wraps(init)
    def wrapper(self, *args, **kw):
        init(self, *args, **kw)

    return wrapper


def _class(init=None, **attrs):
    if init is not None:
        attrs['__init__'] = init
    return type('Shape', (), attrs)


class _WithNew:
    def __new__(cls, request):
        return super().__new__(cls)


class _Base:
    def __init__(self, request, context=None):
        self.request = request


class _Abstract(abc.ABC):  # noqa: B024 (a metaclass, no abstract method)
    def __init__(self, request, context):
        self.request = request


SHAPES = [
    _class(lambda self, request: None),
    _class(lambda self, request, context: None),
    _class(lambda self, request, context=None: None),
    _class(lambda self, request, context, extra: None),
    _class(lambda self, request, context, extra=1: None),
    _class(lambda self, *args: None),
    _class(lambda self, request, *args: None),
    _class(lambda self, request, context, extra, *args: None),
    _class(lambda self, **kw: None),
    _class(lambda self, request, context=None, **kw: None),
    _class(lambda self, request, context=None, *, flag: None),
    _class(lambda self, request, context=None, *, flag=1: None),
    _class(lambda self, request, *, flag=1, other: None),
    _class(lambda self, request, /, context=None: None),
    _class(lambda self=None, request=None: None),
    _class(lambda self=None, request=None, context=None: None),
    _class(lambda *args: None),
    _class(lambda *, request: None),
    _class(),
    _class(_wrapped(lambda self, request: None)),
    _class(_wrapped(lambda self, request, context: None)),
    type('Sub', (_Base,), {}),
    _WithNew,
    _Abstract,
    dict,
]


@pytest.mark.parametrize('cls', SHAPES)
def test_takes_context_agrees_with_inspect_signature(cls):
    # The fast path reads code objects; inspect.signature is the reference.
    assert _takes_context(cls) is _takes_context_by_signature(cls)


class Writable:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    def collection_post(self):
        return self.request.validated


def test_operations_with_the_same_media_options_share_their_setup(config):
    config.add_resource(Writable, name='a', collection_path='/a')
    config.add_resource(Writable, name='b', collection_path='/b')
    config.add_resource(
        Writable, name='c', collection_path='/c', media_types=['json']
    )
    config.commit()
    table = config.registry.getUtility(IRestkitRoutes)
    a = table['a.collection'].operations['POST']
    assert table['a.collection'].operations['GET'].parsers is a.parsers
    assert table['b.collection'].operations['POST'].parsers is a.parsers
    c = table['c.collection'].operations['POST']
    assert c.parsers is not a.parsers
    assert list(c.parsers) == ['application/json']


def test_a_media_setup_is_not_reused_once_its_type_is_replaced(config):
    config.add_resource(Writable, name='a', collection_path='/a')
    config.commit()

    def parse(body, options):
        return {'parsed': 'by the new type'}

    config.add_media_type('json', 'application/json', parser=parse)
    config.add_resource(Writable, name='b', collection_path='/b')
    config.commit()
    table = config.registry.getUtility(IRestkitRoutes)
    old = table['a.collection'].operations['POST'].parsers
    new = table['b.collection'].operations['POST'].parsers
    assert new['application/json'].parser is parse
    assert old['application/json'].parser is not parse


def test_a_media_type_error_names_each_operation(config):
    config.add_resource(Writable, name='a', collection_path='/a')
    config.add_resource(
        Writable, name='b', collection_path='/b', default_media_type='csv'
    )
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert "resource 'b'.collection_get: default_media_type" in str(info.value)


def test_resources_naming_one_schema_class_share_its_instance(config):
    class Own(colander.MappingSchema):
        b = colander.SchemaNode(colander.String())

    class Other(Writable):
        @operation(schema=Own)
        def collection_post(self):
            return self.request.validated

    config.add_resource(
        Writable, name='a', collection_path='/a', schema=Schema
    )
    config.add_resource(
        Writable, name='b', collection_path='/b', schema=Schema
    )
    config.add_resource(Other, name='c', collection_path='/c', schema=Schema)
    config.add_resource(Other, name='d', collection_path='/d', schema=Own)
    instance = Schema()
    config.add_resource(
        Writable, name='e', collection_path='/e', schema=instance
    )
    config.commit()
    introspector = config.registry.introspector

    def schema(name):
        intr = introspector.get('restkit resources', name)
        return intr['operations']['collection_post'].schema

    assert isinstance(schema('a'), Schema)
    assert schema('b') is schema('a')
    assert isinstance(schema('c'), Own)
    assert schema('d') is schema('c')
    assert schema('e') is instance
    table = config.registry.getUtility(IRestkitRoutes)
    validators = {
        name: table[f'{name}.collection'].operations['POST'].validator
        for name in 'abcde'
    }
    assert validators['a'] is validators['b']
    assert validators['c'] is validators['d']
    assert validators['e'] is not validators['a']


def test_the_kits_actions_carry_the_extra_key(config):
    # PERF: the extra key makes Pyramid's conflict resolution cheaper
    # (see sized_action); it must not change what the actions do.
    config.add_resource(Items, collection_path='/items', path='/items/{id}')
    actions = [a for a in config.action_state.actions if a.get('restkit')]
    assert sorted(str(a['discriminator']) for a in actions) == [
        "('restkit paths', '/items')",
        "('restkit paths', '/items/{}')",
        "('restkit resources', 'items')",
    ]


def test_an_unhashable_media_option_is_refused_by_name(config):
    with pytest.raises(ResourceConfigurationError) as info:
        config.add_resource(
            Writable, collection_path='/w', default_media_type=['json']
        )
    assert "default_media_type must be a string, not ['json']" in str(
        info.value
    )


@pytest.mark.parametrize(
    ('pattern', 'message'),
    [
        (
            '/r/{id:[}',
            "the regex of 'id' is invalid",
        ),
        ('/r/{id}/{id}', "the placeholder name 'id' is used twice"),
        ('/r/:id', "the old style placeholder ':id'"),
        ('/r/*rest/x', "'*' before the end"),
        ('http://example.com/r', 'a URL'),
    ],
)
def test_python_patterns_are_checked_like_yaml_ones(config, pattern, message):
    # The same checks as YAML's (patterns.pattern_problem), at the call:
    # not a raw re.error at commit.
    with pytest.raises(ResourceConfigurationError) as info:
        config.add_resource(Writable, collection_path=pattern)
    assert message in str(info.value)
    assert repr(pattern) in str(info.value)


# -- route prefixes -----------------------------------------------------------


def _items_at(name):
    """An includeme adding ``Items`` as ``name``.

    NOTE: a function of its own name per resource: Pyramid includes a
    ``module:function`` once per configuration.
    """

    def include(config):
        config.add_resource(
            Items, name=name, collection_path='/items', path='/items/{id}'
        )

    include.__name__ = include.__qualname__ = f'include_{name}'
    return include


def test_route_prefixes_are_part_of_a_resources_paths(config, make_app):
    # The same pattern under two prefixes is no conflict, and the
    # document, the introspector and prestkit see the full paths.
    config.include(_items_at('v1'), route_prefix='v1')
    config.include(_items_at('v2'), route_prefix='/v2/')
    with config.route_prefix_context('/api/v3'):
        _items_at('v3')(config)
    app = make_app()
    for prefix in ('/v1', '/v2', '/api/v3'):
        assert app.get(f'{prefix}/items').json == []
        assert app.get(f'{prefix}/items/7.json').json == {}
    app.get('/items', status=404)
    paths = app.get('/openapi.json').json['paths']
    assert set(paths) == {
        '/v1/items',
        '/v1/items/{id}',
        '/v2/items',
        '/v2/items/{id}',
        '/api/v3/items',
        '/api/v3/items/{id}',
    }
    introspector = config.registry.introspector
    v2 = introspector.get('restkit resources', 'v2')
    assert v2['routes']['v2.item']['pattern'] == '/v2/items/{id}'
    assert v2['collection_path'] == '/items'  # as declared
    op = introspector.get('restkit operations', ('v1', 'get'))
    assert op['pattern'] == '/v1/items/{id}'


def include_other_at_the_full_path(config):
    config.add_resource(Other, name='other', collection_path='/v1/items')


def test_a_prefixed_pattern_conflicts_with_the_same_full_path(config):
    # NOTE: in sibling includes; an including configuration overrides its
    # includes' actions, as Pyramid does for every directive.
    config.include(_items_at('v1'), route_prefix='v1')
    config.include(include_other_at_the_full_path)
    with pytest.raises(ConfigurationConflictError) as info:
        config.commit()
    assert "('restkit paths', '/v1/items')" in str(info.value)


def test_the_same_pattern_without_a_prefix_still_conflicts(config):
    config.add_resource(Other, name='a', collection_path='/items')
    config.add_resource(Other, name='b', collection_path='items')
    with pytest.raises(ConfigurationConflictError):
        config.commit()


def test_a_scan_before_the_include_says_what_to_do():
    config = Configurator(autocommit=False)
    with pytest.raises(ConfigurationError) as info:
        config.scan('tests.fixtures.scanned')
    message = str(info.value)
    assert "config.include('pyramid_restkit') must come before" in message
    assert '@resource on tests.fixtures.scanned' in message


class Misspelt:
    """A resource with methods one or two edits away from verb methods."""

    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return []

    def colection_post(self):  # two edits away: meant collection_post
        return {}

    def gett(self):  # one edit: meant get
        return {}

    def set(self):  # other first letter: a helper, not a typo
        return {}

    def posts(self):  # one edit from post: warned (rename, or filter)
        return {}

    def lookup(self):
        return {}


def test_a_method_named_almost_like_a_verb_warns(config, make_app):
    with pytest.warns(ResourceConfigurationWarning) as caught:
        config.add_resource(Misspelt, collection_path='/m')
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3
    assert (
        "resource 'misspelt': the method 'colection_post' answers no verb; "
        "did you mean 'collection_post'?"
    ) in messages[0]
    assert "'gett' answers no verb; did you mean 'get'?" in messages[1]
    assert "'posts' answers no verb; did you mean 'post'?" in messages[2]
    assert 'test_resources.py:' in messages[0]
    # it still works as declared
    app = make_app()
    assert app.get('/m').json == []
    app.post('/m', status=405)
    intr = config.registry.introspector.get('restkit resources', 'misspelt')
    assert intr['near_misses'] == {
        'colection_post': 'collection_post',
        'gett': 'get',
        'posts': 'post',
    }
    # prestkit prints them (on stderr, after the table)
    assert prestkit_near_misses(config.registry) == [
        ('misspelt', 'colection_post', 'collection_post'),
        ('misspelt', 'gett', 'get'),
        ('misspelt', 'posts', 'post'),
    ]


class Renamed:
    def __init__(self, request):
        self.request = request

    @operation(operation_id='items_get')
    def collection_get(self):
        return []


def test_duplicate_operation_ids_are_a_configuration_error(config):
    # 'items_get' is the default id of Items.get: taken
    config.add_resource(Items, collection_path='/items', path='/items/{id}')
    config.add_resource(Renamed, collection_path='/renamed')
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    message = str(info.value)
    assert "operation_id 'items_get' is already that of" in message
    assert "resource 'items'.get" in message or (
        "resource 'renamed'.collection_get" in message
    )


def test_distinct_operation_ids_pass(config, make_app):
    config.add_resource(Items, collection_path='/items', path='/items/{id}')
    config.add_resource(
        Other, collection_path='/other', name='renamed'
    )  # renamed_collection_get
    paths = make_app().get('/openapi.json').json['paths']
    assert paths['/items/{id}']['get']['operationId'] == 'items_get'
    assert paths['/other']['get']['operationId'] == ('renamed_collection_get')
