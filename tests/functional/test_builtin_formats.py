"""The built-in media types through a real app: both directions."""

from __future__ import annotations

import sys

import colander
import pytest
import yaml
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError

from pyramid_restkit import operation


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Note(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    stars = colander.SchemaNode(colander.Integer(), missing=0)
    public = colander.SchemaNode(colander.Boolean(), missing=False)
    tags = Tags(missing=())


class Notes:
    def __init__(self, request):
        self.request = request

    @operation(status=201)
    def collection_post(self):
        return self.request.validated

    def get(self):
        return {
            'title': 'Note',
            'stars': 3,
            'public': True,
            'tags': ['a', 'b'],
            'nothing': None,
        }

    def put(self):
        return self.request.validated

    @operation(schema=None, media_types=['json', 'text'])
    def patch(self):
        return {'echo': self.request.body.decode()}


class Texts:
    def __init__(self, request):
        self.request = request

    @operation(
        schema=colander.SchemaNode(colander.String()),
        media_types=['json', 'text'],
    )
    def collection_post(self):
        return self.request.validated


@pytest.fixture
def app(config, make_app):
    config.add_resource(
        Notes, collection_path='/notes', path='/notes/{id}', schema=Note
    )
    config.add_resource(Texts, collection_path='/texts')
    return make_app()


ITEM = {
    'title': 'Note',
    'stars': 3,
    'public': True,
    'tags': ['a', 'b'],
    'nothing': None,
}


def test_yaml_out_and_in(app):
    res = app.get('/notes/1.yaml')
    assert res.headers['Content-Type'] == 'application/yaml'
    assert yaml.safe_load(res.text) == ITEM
    res = app.post(
        '/notes',
        b'title: hi\nstars: 2\ntags: [no, on]\n',
        content_type='application/yaml',
        status=201,
    )
    assert res.json == {
        'title': 'hi',
        'stars': 2,
        'public': False,
        'tags': ['no', 'on'],
    }


@pytest.mark.parametrize(
    'content_type', ['application/x-yaml', 'text/yaml', 'TEXT/YAML']
)
def test_yaml_input_aliases(app, content_type):
    res = app.post('/notes', b'title: x', content_type=content_type)
    assert res.json['title'] == 'x'


def test_yaml_is_typed(app):
    res = app.post(
        '/notes',
        b'title: x\nstars: "7"\n',
        content_type='application/yaml',
        status=400,
    )
    assert res.json['errors'][0]['name'] == 'stars'


@pytest.mark.parametrize(
    'body',
    [
        b'!!python/object/apply:os.system ["echo hi"]',
        b'a: &x [1]\nb: *x\n',
        b'title: a\ntitle: b\n',
        b'--- 1\n--- 2\n',
        b'\xff\xfe',
        b'[' * 100000,
    ],
)
def test_hostile_yaml_is_400(app, body):
    res = app.post('/notes', body, content_type='application/yaml', status=400)
    assert res.json['type'].endswith(':malformed-body')


def test_xml_out_and_in(app):
    res = app.get('/notes/1.xml')
    assert res.headers['Content-Type'] == 'application/xml'
    assert res.text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<response><title>Note</title><stars>3</stars><public>true</public>'
        '<tags type="list"><item>a</item><item>b</item></tags>'
        '<nothing nil="true"/></response>'
    )
    res = app.post(
        '/notes',
        b'<note><title>x</title><stars>4</stars><public>true</public>'
        b'<tags type="list"><item>t</item></tags></note>',
        content_type='text/xml',
        status=201,
    )
    assert res.json == {
        'title': 'x',
        'stars': 4,
        'public': True,
        'tags': ['t'],
    }


@pytest.mark.parametrize(
    'body',
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM '
        b'"file:///etc/passwd">]><x>&e;</x>',
        b'<x>' * 70 + b'</x>' * 70,
        b'<x><a>1</a><a>2</a></x>',
        b'<x',
    ],
)
def test_hostile_xml_is_400(app, body):
    res = app.post('/notes', body, content_type='application/xml', status=400)
    assert res.json['type'].endswith(':malformed-body')


def test_xml_errors_are_problem_xml(app):
    res = app.post(
        '/notes',
        b'<note><stars>many</stars></note>',
        content_type='application/xml',
        headers={'Accept': 'application/xml'},
        status=400,
    )
    assert res.headers['Content-Type'] == 'application/problem+xml'
    assert '<name>title</name>' in res.text
    assert '<name>stars</name>' in res.text


def test_form_body_is_coerced_and_shaped(app):
    res = app.post(
        '/notes',
        [
            ('title', 'From a form'),
            ('stars', '5'),
            ('tags', 'x'),
            ('tags', 'y'),
            ('public', 'true'),
        ],
        status=201,
    )
    assert res.json == {
        'title': 'From a form',
        'stars': 5,
        'public': True,
        'tags': ['x', 'y'],
    }


def test_form_single_value_for_a_sequence_is_a_list(app):
    res = app.post('/notes', {'title': 't', 'tags': 'solo'}, status=201)
    assert res.json['tags'] == ['solo']


def test_form_unknown_fields_and_repeated_scalars(app):
    res = app.post(
        '/notes', [('title', 'a'), ('title', 'b'), ('zzz', '1')], status=400
    )
    assert res.json['errors'] == [
        {'location': 'body', 'name': 'zzz', 'description': 'Unknown field.'}
    ]


def test_multipart_form(app):
    res = app.post(
        '/notes',
        {'title': 'multi', 'stars': '1'},
        content_type='multipart/form-data',
        status=201,
    )
    assert res.json['title'] == 'multi'


def test_form_override_field_is_not_data(app):
    res = app.post('/notes/1', {'_method': 'PUT', 'title': 'over'})
    assert res.json == {
        'title': 'over',
        'stars': 0,
        'public': False,
        'tags': [],
    }


def test_too_many_form_fields(config, make_app):
    config.registry.settings['restkit.max_fields'] = '3'
    config.add_resource(
        Notes, collection_path='/notes', path='/notes/{id}', schema=Note
    )
    app = make_app()
    res = app.post(
        '/notes',
        [('title', 'x')] + [('tags', str(i)) for i in range(5)],
        status=400,
    )
    assert res.json['type'].endswith(':malformed-body')


def test_form_for_a_non_mapping_schema(config, make_app):
    class Lists:
        def __init__(self, request):
            self.request = request

        @operation(schema=Tags())
        def collection_post(self):
            return self.request.validated

    config.add_resource(Lists, collection_path='/lists')
    app = make_app()
    res = app.post('/lists', {'tag': 'x'}, status=400)
    assert res.json['type'].endswith(':validation')


def test_text_needs_the_operation_to_opt_in(app):
    res = app.post('/notes', b'title', content_type='text/plain', status=415)
    assert 'text/plain' not in res.headers['Accept-Post']
    res = app.post('/texts', 'héllo'.encode(), content_type='text/plain')
    assert res.json == 'héllo'
    res = app.patch('/notes/1', b'raw text', content_type='text/plain')
    assert res.json == {'echo': 'raw text'}


def test_text_and_html_out(app):
    res = app.get('/notes/1.txt')
    assert res.headers['Content-Type'] == 'text/plain; charset=utf-8'
    res = app.get('/notes/1.html')
    assert res.headers['Content-Type'] == 'text/html; charset=utf-8'
    assert '<dt>title</dt>' in res.text


def test_browser_accept_gets_html_but_star_gets_json(app):
    browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
    assert app.get('/notes/1', headers={'Accept': browser}).content_type == (
        'text/html'
    )
    assert app.get('/notes/1', headers={'Accept': '*/*'}).content_type == (
        'application/json'
    )


@pytest.mark.parametrize(
    'settings', [{'restkit.media_types': 'json text csv msgpack'}]
)
def test_csv_and_msgpack_when_enabled(app):
    import msgpack

    res = app.get('/notes/1.csv')
    assert res.headers['Content-Type'] == 'text/csv; charset=utf-8'
    assert res.text.splitlines()[0] == 'title,stars,public,tags,nothing'
    res = app.get('/notes/1', headers={'Accept': 'application/msgpack'})
    assert msgpack.unpackb(res.body) == ITEM
    res = app.post(
        '/notes',
        msgpack.packb({'title': 'packed', 'stars': 9}),
        content_type='application/msgpack',
        status=201,
    )
    assert res.json['stars'] == 9


def test_csv_and_msgpack_are_off_by_default(app):
    # .csv is no registered suffix then: it stays part of the id.
    assert app.get('/notes/1.csv').content_type == 'application/json'
    app.get('/notes/1', headers={'Accept': 'text/csv'}, status=406)


def test_structured_suffix_needs_registration(app):
    app.post(
        '/notes',
        b'{"title": "x"}',
        content_type='application/vnd.api+json',
        status=415,
    )


def test_missing_msgpack_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, 'msgpack', None)
    config = Configurator(
        settings={'restkit.media_types': 'json msgpack'}, autocommit=False
    )
    config.include('pyramid_restkit')
    with pytest.raises(ConfigurationExecutionError) as info:
        config.commit()
    assert 'pip install pyramid_restkit[msgpack]' in str(info.value)


@pytest.mark.parametrize(
    ('renderer', 'content_type', 'start'),
    [
        ('restkit.json', 'application/json', b'{"a":[1,2]}'),
        ('restkit.yaml', 'application/yaml', b'a:\n- 1\n- 2\n'),
        ('restkit.xml', 'application/xml', b'<?xml version="1.0"'),
        ('restkit.html', 'text/html', b'<!doctype html>'),
        ('restkit.text', 'text/plain', b'{"a":[1,2]}'),
    ],
)
def test_every_renderer_serves_plain_views(
    config, make_app, renderer, content_type, start
):
    config.add_route('plain', '/plain')
    config.add_view(
        lambda request: {'a': [1, 2]}, route_name='plain', renderer=renderer
    )
    res = make_app().get('/plain')
    assert res.content_type == content_type
    assert res.body.startswith(start)
