"""Accept negotiation over the media registry, 406, Vary, renderers."""

from __future__ import annotations

import pytest

from pyramid_restkit import operation
from pyramid_restkit.negotiation import CACHE_SIZE, Negotiator


@pytest.fixture
def settings():
    # JSON and the tests' own text type only, so that lists are exact.
    return {'restkit.media_types': 'json plain'}


class TextRenderer:
    """A second renderer, registered by the tests through the registry."""

    def dumps(self, value, request):
        return f'text:{value}'.encode()


class Greeting:
    def __init__(self, request):
        self.request = request

    def get(self):
        return 'hi'

    @operation(media_type='json')
    def put(self):
        return 'forced'

    @operation(media_type='json')
    def delete(self):
        self.request.response.headers['X-Touched'] = 'yes'
        return {'deleted': True}


def register_text(config):
    config.add_media_type('plain', 'text/plain', renderer=TextRenderer())


@pytest.fixture
def app(config, make_app):
    register_text(config)
    config.add_resource(Greeting, path='/greeting')
    return make_app()


@pytest.mark.parametrize(
    ('accept', 'content_type'),
    [
        (None, 'application/json'),
        ('*/*', 'application/json'),
        ('text/plain', 'text/plain'),
        ('text/*', 'text/plain'),
        ('text/plain;q=0.5, application/json', 'application/json'),
        ('text/plain, application/json;q=0.9', 'text/plain'),
        ('text/plain, application/json', 'application/json'),
        ('application/*;q=0.2, text/plain;q=0.1', 'application/json'),
        ('*/*;q=0.1, text/plain;q=0.9', 'text/plain'),
        ('*/*, application/json;q=0', 'text/plain'),
        ('not a valid header;;;', 'application/json'),
        ('', 'application/json'),
    ],
)
def test_accept_rules(app, accept, content_type):
    headers = {} if accept is None else {'Accept': accept}
    res = app.get('/greeting', headers=headers)
    assert res.content_type == content_type
    assert res.headers['Vary'] == 'Accept'


@pytest.mark.parametrize(
    'accept', ['image/png', 'application/json;q=0, text/plain;q=0']
)
def test_406_lists_available_types(app, accept):
    res = app.get('/greeting', headers={'Accept': accept}, status=406)
    assert res.content_type == 'application/problem+json'
    assert res.headers['Vary'] == 'Accept'
    assert res.json['available'] == ['application/json', 'text/plain']
    assert res.json['status'] == 406


def test_forced_media_type_skips_accept(app):
    res = app.put('/greeting', headers={'Accept': 'image/png'})
    assert res.content_type == 'application/json'
    assert res.json == 'forced'
    assert 'Vary' not in res.headers
    res = app.delete('/greeting', headers={'Accept': 'image/png'})
    assert res.json == {'deleted': True}
    assert res.headers['X-Touched'] == 'yes'
    assert 'Vary' not in res.headers


def test_resource_default_wins_ties(config, make_app):
    register_text(config)
    config.add_resource(Greeting, path='/greeting', default_media_type='plain')
    app = make_app()
    assert app.get('/greeting').body == b'text:hi'
    assert app.get('/greeting', headers={'Accept': '*/*'}).body == (b'text:hi')
    res = app.get('/greeting', headers={'Accept': 'application/json'})
    assert res.json == 'hi'


def test_resource_media_types_narrow(config, make_app):
    register_text(config)
    config.add_resource(Greeting, path='/greeting', media_types=['json'])
    app = make_app()
    res = app.get('/greeting', headers={'Accept': 'text/plain'}, status=406)
    assert res.json['available'] == ['application/json']


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.media_types': 'plain json',
            'restkit.default_media_type': 'plain',
        }
    ],
)
def test_settings_order_and_default(config, make_app):
    register_text(config)
    config.add_resource(Greeting, path='/greeting')
    app = make_app()
    assert app.get('/greeting').body == b'text:hi'
    res = app.get(
        '/greeting', headers={'Accept': 'application/json, text/plain'}
    )
    assert res.body == b'text:hi'


def test_plain_views_can_use_the_renderers(config, make_app):
    register_text(config)
    config.add_route('plain', '/plain')
    config.add_view(
        lambda request: {'a': [1, 2]},
        route_name='plain',
        renderer='restkit.json',
    )
    config.add_route('text', '/text')
    config.add_view(
        lambda request: 'x', route_name='text', renderer='restkit.plain'
    )
    app = make_app()
    res = app.get('/plain')
    assert res.body == b'{"a":[1,2]}'
    assert res.content_type == 'application/json'
    assert app.get('/text').body == b'text:x'


@pytest.mark.parametrize('settings', [{}])
def test_plain_view_keeps_a_content_type_it_set(config, make_app):
    def view(request):
        request.response.content_type = 'application/vnd.api+json'
        return {'a': 1}

    config.add_route('vnd', '/vnd')
    config.add_view(view, route_name='vnd', renderer='restkit.json')
    res = make_app().get('/vnd')
    assert res.content_type == 'application/vnd.api+json'


def test_negotiator_cache_is_bounded():
    from pyramid_restkit.media import MediaType

    json_type = MediaType('json', 'application/json')
    negotiator = Negotiator([json_type], json_type)
    for number in range(CACHE_SIZE + 10):
        assert negotiator.choose(f'application/json, text/x-{number}')
    assert 0 < len(negotiator._cache) <= CACHE_SIZE
    assert negotiator.choose('image/png') is None
    assert negotiator.choose('image/png') is None


@pytest.mark.parametrize('settings', [{}])
def test_renderer_extension_answers_only_the_kit_name(config, make_app):
    config.add_route('other', '/other')
    config.add_view(
        lambda request: {}, route_name='other', renderer='templates/x.json'
    )
    with pytest.raises(Exception) as info:
        make_app().get('/other')
    assert "did you mean 'restkit.json'" in str(info.value)


@pytest.mark.parametrize(
    ('accept', 'content_type'),
    [
        ('application/json; charset=utf-8', 'application/json'),
        ('application/json; indent=4', 'application/json'),
        ('application/json; version=2', 'application/json'),
        ('text/plain; charset=utf-8', 'text/plain'),
        ('text/plain; format=flowed, application/json;q=0.5', 'text/plain'),
        ('application/json;charset=utf-8;q=0, */*', 'text/plain'),
    ],
)
def test_accept_parameters_do_not_stop_a_match(app, accept, content_type):
    res = app.get('/greeting', headers={'Accept': accept})
    assert res.content_type == content_type
    assert res.headers['Vary'] == 'Accept'


def test_accept_parameters_keep_q_zero(app):
    res = app.get(
        '/greeting',
        headers={'Accept': 'application/json; charset=utf-8; q=0'},
        status=406,
    )
    assert res.json['available'] == ['application/json', 'text/plain']


@pytest.mark.parametrize('settings', [{}])
def test_errors_follow_accept_with_parameters(config, make_app):
    config.add_resource(Greeting, path='/greeting')
    app = make_app()
    res = app.post(
        '/greeting',
        headers={'Accept': 'application/xml; charset=utf-8'},
        status=405,
    )
    assert res.content_type == 'application/problem+xml'


@pytest.mark.parametrize('settings', [{}])
def test_format_predicate_ignores_accept_parameters(config, make_app):
    config.add_route('doc', '/doc')
    for name in ('json', 'yaml'):
        config.add_view(
            lambda request, name=name: {'format': name},
            route_name='doc',
            format=name,
            renderer=f'restkit.{name}',
        )
    app = make_app()
    res = app.get(
        '/doc', headers={'Accept': 'application/yaml; charset=utf-8'}
    )
    assert res.content_type == 'application/yaml'
    assert res.headers['Vary'] == 'Accept'
    res = app.get('/doc', headers={'Accept': 'application/json; indent=2'})
    assert res.json == {'format': 'json'}
