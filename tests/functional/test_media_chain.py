"""The negotiation chain over the registry: suffix, ?format=, Accept.

The media types here are the tests' own (registered through the public
directive), so the chain is tested apart from the built-in formats.
"""

from __future__ import annotations

import pytest
from pyramid.httpexceptions import HTTPNotFound

from pyramid_restkit import operation


class Upper:
    """A test renderer with its own problem family."""

    def dumps(self, value, request, **options):
        prefix = options.get('prefix', '')
        return (prefix + repr(value)).upper().encode()

    def dumps_problem(self, value, request):
        return f'PROBLEM {value["status"]} {value["title"]}'.encode()


def parse_upper(body, options):
    return {'text': body.decode('ascii').lower()}


def register(config):
    config.add_media_type(
        'upper',
        'application/x-upper',
        renderer=Upper(),
        parser=parse_upper,
        suffixes=('.up', '.upper'),
        problem_type='application/problem+x-upper',
    )


class Things:
    def __init__(self, request):
        self.request = request

    def collection_get(self):
        return {'url': self.request.route_url('things.collection')}

    @operation(schema=None)
    def collection_post(self):
        return {'body': self.request.body.decode()}

    def get(self):
        if self.request.matchdict['id'] == 'missing':
            raise HTTPNotFound('gone')
        return dict(self.request.matchdict)

    @operation(media_type='json')
    def put(self):
        return {'forced': True}


@pytest.fixture
def app(config, make_app):
    register(config)
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    return make_app()


def test_suffix_on_collection(app):
    res = app.get('/things.up')
    assert res.content_type == 'application/x-upper'
    assert res.body == b"{'URL': 'HTTP://LOCALHOST/THINGS'}"
    assert 'Vary' not in res.headers


def test_every_suffix_of_a_type_works(app):
    assert app.get('/things/1.upper').body == b"{'ID': '1'}"


def test_suffix_on_item_is_removed_from_the_value(app):
    res = app.get('/things/7.json')
    assert res.json == {'id': '7'}
    assert 'Vary' not in res.headers
    assert app.get('/things/7.up').body == b"{'ID': '7'}"


def test_unregistered_suffix_stays_in_the_value(app):
    assert app.get('/things/1.2').json == {'id': '1.2'}
    assert app.get('/things/report.pdf').json == {'id': 'report.pdf'}


def test_suffixes_are_case_sensitive(app):
    assert app.get('/things/7.JSON').json == {'id': '7.JSON'}


def test_doubled_suffix_keeps_one(app):
    assert app.get('/things/data.json.json').json == {'id': 'data.json'}


def test_unregistered_suffix_on_collection_is_not_the_route(app):
    res = app.get('/things.pdf', status=404)
    assert res.content_type != 'application/problem+json'


def test_route_url_needs_no_suffix(app):
    assert app.get('/things').json == {'url': 'http://localhost/things'}


def test_format_parameter(app):
    res = app.get('/things/7?format=upper')
    assert res.body == b"{'ID': '7'}"
    assert 'Vary' not in res.headers


@pytest.mark.parametrize('url', ['/things/7?format=nope', '/things?format='])
def test_unknown_format_is_406(app, url):
    res = app.get(url, status=406)
    assert res.content_type == 'application/problem+json'
    assert 'Vary' not in res.headers
    assert res.json['available'] == [
        'application/json',
        'application/yaml',
        'application/xml',
        'text/html',
        'text/plain',
        'application/x-upper',
    ]


def test_406_lists_suffix_urls(app):
    res = app.get('/things/7', headers={'Accept': 'image/png'}, status=406)
    assert res.json['alternates'] == [
        {'type': 'application/json', 'href': '/things/7.json'},
        {'type': 'application/yaml', 'href': '/things/7.yaml'},
        {'type': 'application/xml', 'href': '/things/7.xml'},
        {'type': 'text/html', 'href': '/things/7.html'},
        {'type': 'text/plain', 'href': '/things/7.txt'},
        {'type': 'application/x-upper', 'href': '/things/7.up'},
    ]
    assert res.headers['Vary'] == 'Accept'


@pytest.mark.parametrize(
    ('url', 'accept', 'expected'),
    [
        (
            '/things/7.up?format=json',
            'application/json',
            'application/x-upper',
        ),
        ('/things/7?format=upper', 'application/json', 'application/x-upper'),
        (
            '/things/7.json?format=upper',
            'application/x-upper',
            'application/json',
        ),
        ('/things/7', 'application/x-upper', 'application/x-upper'),
    ],
)
def test_precedence_suffix_then_format_then_accept(app, url, accept, expected):
    res = app.get(url, headers={'Accept': accept})
    assert res.content_type == expected


def test_forced_type_beats_suffix(app):
    res = app.put('/things/7.up')
    assert res.json == {'forced': True}


def test_suffix_of_a_type_the_resource_does_not_serve_is_406(config, make_app):
    register(config)
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        media_types=['json'],
    )
    app = make_app()
    res = app.get('/things/7.up', status=406)
    assert res.json['available'] == ['application/json']
    assert res.json['alternates'] == [
        {'type': 'application/json', 'href': '/things/7.json'}
    ]
    assert 'Vary' not in res.headers
    app.get('/things/7?format=upper', status=406)


def test_suffix_after_a_regex_placeholder(config, make_app):
    # {id:\d+} refuses '7.json' itself: the kit's suffix placeholder
    # follows it, so the suffix still selects the format.
    class Item:
        def __init__(self, request):
            self.request = request

        def get(self):
            return dict(self.request.matchdict)

    config.add_resource(Item, path=r'/digits/{id:\d+}', name='digits')
    config.add_resource(Item, path='/any/{id:.+}', name='any')
    app = make_app()
    res = app.get('/digits/7.yaml')
    assert res.content_type == 'application/yaml'
    assert 'Vary' not in res.headers
    assert app.get('/digits/7').json == {'id': '7'}
    app.get('/digits/7.nope', status=404)  # neither digits nor a suffix
    app.get('/digits/x.json', status=404)
    # A regex that takes dots keeps the suffix in the value.
    assert app.get('/any/7.json').json == {'id': '7.json'}


@pytest.mark.parametrize('settings', [{'restkit.media_types': 'json'}])
def test_suffix_of_a_disabled_type_is_part_of_the_value(config, make_app):
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    app = make_app()
    assert app.get('/things/7.yaml').json == {'id': '7.yaml'}


@pytest.mark.parametrize('settings', [{'restkit.media_types': 'json xml'}])
def test_the_applications_types_are_enabled_whatever_the_setting(
    config, make_app
):
    # API.md: add_media_type registers and enables a type, appended to
    # the order unless restkit.media_types places it; the setting chooses
    # among the built-ins (yaml is off here).
    register(config)
    config.add_media_type(
        'later',
        'application/x-later',
        renderer=Upper(),
        suffixes=('.later',),
        default_enabled=False,
    )
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    app = make_app()
    res = app.get('/things/7.up')
    assert res.content_type == 'application/x-upper'
    assert app.get('/things/7.yaml').json == {'id': '7.yaml'}
    # default_enabled=False: only when the setting lists it.
    assert app.get('/things/7.later').json == {'id': '7.later'}
    res = app.get('/things/7', headers={'Accept': 'image/png'}, status=406)
    assert res.json['available'] == [
        'application/json',
        'application/xml',
        'application/x-upper',
    ]


def test_errors_follow_the_negotiated_family(app):
    res = app.get('/things/missing.up', status=404)
    assert res.content_type == 'application/problem+x-upper'
    assert res.body == b'PROBLEM 404 Not Found'
    res = app.get(
        '/things/missing',
        headers={'Accept': 'application/x-upper'},
        status=404,
    )
    assert res.content_type == 'application/problem+x-upper'
    assert res.headers['Vary'] == 'Accept'


def test_405_is_rendered_in_the_family_asked_for(app):
    res = app.delete(
        '/things', headers={'Accept': 'application/x-upper'}, status=405
    )
    assert res.content_type == 'application/problem+x-upper'
    assert res.headers['Allow'] == 'GET, HEAD, POST, OPTIONS'
    assert res.headers['Vary'] == 'Accept'
    res = app.delete('/things.up', status=405)
    assert res.content_type == 'application/problem+x-upper'
    assert 'Vary' not in res.headers


def test_406_itself_uses_the_default(app):
    res = app.get('/things/7', headers={'Accept': 'image/png'}, status=406)
    assert res.content_type == 'application/problem+json'


@pytest.mark.parametrize('settings', [{'restkit.media_types': 'json bare'}])
def test_family_without_problem_type_falls_back_to_json(config, make_app):
    config.add_media_type('bare', 'application/x-bare', renderer=Upper())
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    app = make_app()
    res = app.get(
        '/things/missing',
        headers={'Accept': 'application/x-bare'},
        status=404,
    )
    assert res.content_type == 'application/problem+json'


def test_media_options_reach_the_renderer(config, make_app):
    register(config)
    config.add_resource(
        Things,
        collection_path='/things',
        path='/things/{id}',
        media_options={'upper': {'prefix': 'x='}},
    )
    app = make_app()
    assert app.get('/things/1.up').body == b"X={'ID': '1'}"


@pytest.mark.parametrize('value', [5, {'upper': 5}, {5: {}}])
def test_media_options_are_checked(config, value):
    from pyramid_restkit.errors import ResourceConfigurationError

    with pytest.raises(ResourceConfigurationError, match='media_options'):
        config.add_resource(
            Things,
            collection_path='/t',
            path='/t/{id}',
            media_options=value,
        )


@pytest.mark.parametrize('settings', [{}])
def test_remove_media_type(config, make_app):
    # As the kit's built-ins, the type comes from an include: the
    # application's own removal overrides it.
    config.include('tests.fixtures.upper_media')
    config.remove_media_type('upper')
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    app = make_app()
    assert app.get('/things/7.up').json == {'id': '7.up'}
    app.get('/things/7', headers={'Accept': 'application/x-upper'}, status=406)


def test_replacing_a_built_in(config, make_app):
    config.add_media_type(
        'json', 'application/json', renderer=Upper(), suffixes=('.json',)
    )
    config.add_resource(Things, collection_path='/things', path='/things/{id}')
    app = make_app()
    assert app.get('/things/7').body == b"{'ID': '7'}"


@pytest.mark.parametrize('suffix', ['yaml', '.a.b', '.', '. x'])
def test_bad_suffixes_are_refused(config, suffix):
    from pyramid_restkit.errors import ResourceConfigurationError

    with pytest.raises(ResourceConfigurationError, match='suffix'):
        config.add_media_type(
            'odd', 'application/x-odd', renderer=Upper(), suffixes=(suffix,)
        )


@pytest.mark.parametrize('settings', [{'restkit.media_types': 'json shout'}])
def test_opt_in_parser_needs_the_operation_to_list_it(config, make_app):
    import colander

    class Text(colander.MappingSchema):
        text = colander.SchemaNode(colander.String())

    config.add_media_type(
        'shout',
        'text/x-shout',
        renderer=Upper(),
        parser=parse_upper,
        parse_opt_in=True,
    )

    class Default:
        def __init__(self, request):
            self.request = request

        def collection_post(self):
            return self.request.validated

    class OptIn(Default):
        @operation(media_types=['json', 'shout'])
        def collection_post(self):
            return self.request.validated

    config.add_resource(Default, collection_path='/default', schema=Text)
    config.add_resource(OptIn, collection_path='/opt-in', schema=Text)
    app = make_app()
    res = app.post('/default', b'HI', content_type='text/x-shout', status=415)
    assert res.headers['Accept-Post'] == 'application/json'
    res = app.post('/opt-in', b'HI', content_type='text/x-shout')
    assert res.json == {'text': 'hi'}


# -- plain views --------------------------------------------------------------


def json_view(request):
    return {'format': 'json', 'id': request.matchdict['id']}


def upper_view(request):
    return {'format': 'upper', 'id': request.matchdict['id']}


@pytest.fixture
def plain(config, make_app):
    register(config)
    config.add_route('post', '/posts/{id}', format_suffix=True)
    config.add_view(
        json_view,
        route_name='post',
        request_method='GET',
        format='json',
        renderer='restkit.json',
    )
    config.add_view(
        upper_view,
        route_name='post',
        request_method='GET',
        format=('upper',),
        renderer='restkit.upper',
    )
    return make_app()


def test_plain_views_by_format(plain):
    assert plain.get('/posts/3').json == {'format': 'json', 'id': '3'}
    res = plain.get('/posts/3.up')
    assert res.body == b"{'FORMAT': 'UPPER', 'ID': '3'}"
    assert res.content_type == 'application/x-upper'
    res = plain.get('/posts/3', headers={'Accept': 'application/x-upper'})
    assert res.body == b"{'FORMAT': 'UPPER', 'ID': '3'}"
    assert res.headers['Vary'] == 'Accept'
    assert plain.get('/posts/3?format=upper').body.startswith(b"{'FORMAT'")


def test_plain_view_without_a_match_is_404(plain):
    plain.get('/posts/3', headers={'Accept': 'image/png'}, status=404)


def test_views_show_the_format_predicate(config, plain):
    views = [
        intr
        for intr in config.registry.introspector.get_category('views')
        if intr['introspectable']['route_name'] == 'post'
    ]
    texts = sorted(
        predicate.text()
        for view in views
        for predicate in view['introspectable']['predicates']
        if predicate.text().startswith('format')
    )
    assert texts == ['format = json', 'format = upper']


@pytest.mark.parametrize('value', ['yes', False])
def test_format_suffix_predicate_takes_only_true(config, value):
    from pyramid.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match='only True'):
        config.add_route('x', '/x/{id}', format_suffix=value)
        config.commit()


@pytest.mark.parametrize('value', [(), [5]])
def test_format_predicate_needs_names(config, value):
    from pyramid.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match='format takes'):
        config.add_view(json_view, format=value)
        config.commit()


def test_format_inside_another_parameter_name_is_not_a_format(app):
    res = app.get('/things/7?xformat=upper')
    assert res.json == {'id': '7'}


def test_errors_of_a_resource_with_only_forced_types(config, make_app):
    register(config)

    class Forced:
        def __init__(self, request):
            self.request = request

        @operation(media_type='upper')
        def get(self):
            raise HTTPNotFound('nothing')

    config.add_resource(Forced, path='/forced')
    app = make_app()
    # The forced type is the negotiated one: its errors are in its family.
    res = app.get('/forced', status=404)
    assert res.content_type == 'application/problem+x-upper'
    # Before any operation ran there is nothing to negotiate with.
    res = app.delete('/forced', status=405)
    assert res.content_type == 'application/problem+json'


def test_format_suffix_on_routes_without_a_last_value(config, make_app):
    register(config)
    config.add_route('static', '/static', format_suffix=True)
    config.add_route('files', '/files/*rest', format_suffix=True)
    for route in ('static', 'files'):
        config.add_view(
            lambda request: dict(request.matchdict),
            route_name=route,
            format='json',
            renderer='restkit.json',
        )
    app = make_app()
    assert app.get('/static').json == {}
    assert app.get('/files/a/b.up', headers={'Accept': 'application/json'})
    assert app.get('/files/a/b.up').json == {'rest': ['a', 'b.up']}


def test_plain_view_keeps_its_own_vary(config, make_app):
    def view(request):
        request.response.vary = ('Accept', 'Cookie')
        return {}

    config.add_route('v', '/v/{id}', format_suffix=True)
    config.add_view(
        view, route_name='v', format='json', renderer='restkit.json'
    )
    res = make_app().get('/v/1')
    assert res.headers['Vary'] == 'Accept, Cookie'
