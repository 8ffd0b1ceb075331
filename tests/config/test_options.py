"""The options table (config/options.py): checks, merging, verbs."""

from __future__ import annotations

import colander
import pytest

from pyramid_restkit.config.options import (
    BY_NAME,
    OPERATION_OPTIONS,
    OPTIONS,
    RESOURCE_OPTIONS,
    Options,
)
from pyramid_restkit.errors import ResourceConfigurationError


class Body(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())


def test_the_table_declares_each_option_once():
    names = [option.name for option in OPTIONS]
    assert len(names) == len(set(names))
    assert set(BY_NAME) == OPERATION_OPTIONS
    assert RESOURCE_OPTIONS < OPERATION_OPTIONS
    assert {'status', 'media_type', 'operation_id'} == (
        OPERATION_OPTIONS - RESOURCE_OPTIONS
    )
    # every option is a field of Options, and every field but the
    # bookkeeping ones is an option
    fields = set(Options.__dataclass_fields__) - {'verb', 'given'}
    assert fields == OPERATION_OPTIONS


def test_check_normalizes_and_records_what_was_given():
    options = Options.check(
        {
            'schema': Body,
            'media_types': 'json yaml',
            'tags': 'posts',
            'permission': {'get': 'view'},
            'summary': None,
        },
        'resource x',
        'resource',
    )
    assert isinstance(options.schema, Body)
    assert options.media_types == ('json', 'yaml')
    assert options.tags == ('posts',)
    assert options.permission == {'GET': 'view'}
    assert options.given == {
        'schema',
        'media_types',
        'tags',
        'permission',
        'summary',
    }
    assert dict(options.items()) == {
        'schema': options.schema,
        'permission': {'GET': 'view'},
        'media_types': ('json', 'yaml'),
        'summary': None,
        'tags': ('posts',),
    }


def test_a_schema_class_is_made_once_per_configuration():
    schemas: dict[type, object] = {}
    a = Options.check({'schema': Body}, 'a', schemas=schemas)
    b = Options.check({'response_schema': Body}, 'b', schemas=schemas)
    assert a.schema is b.response_schema
    assert Options.check({'schema': Body}, 'c').schema is not a.schema


@pytest.mark.parametrize(
    ('raw', 'message'),
    [
        ({'status': 201}, 'resource x: unknown option(s) status'),
        ({'tags': [1]}, 'resource x: tags must be a list of strings'),
        ({'tags': 5}, 'resource x: tags must be a list of strings'),
        ({'media_types': 5}, 'media_types must be a non-empty list'),
        ({'media_types': []}, 'media_types must be a non-empty list'),
        ({'permission': {'head': 'x'}}, "names the verb 'head'"),
        ({'permission': {'get': 1}}, 'the permission of GET must be'),
        ({'permission': 1}, 'permission must be a string or a mapping'),
        ({'summary': 1}, 'summary must be a string, not 1'),
        ({'deprecated': 'yes'}, 'deprecated must be true or false'),
        ({'responses': [404]}, 'responses maps statuses to descriptions'),
        ({'responses': {99: 'x'}}, '99 is not an HTTP status'),
        ({'responses': {True: 'x'}}, 'True is not an HTTP status'),
        ({'responses': {404: 1}}, 'the description of 404 must be'),
        ({'media_options': {'xml': 1}}, 'media_options maps media type'),
        ({'schema': 'Body'}, 'schema must be a colander schema'),
    ],
)
def test_bad_resource_options_are_refused_by_name(raw, message):
    with pytest.raises(ResourceConfigurationError) as info:
        Options.check(raw, 'resource x', 'resource')
    assert message in str(info.value)


@pytest.mark.parametrize('status', [199, 400, True, '201'])
def test_status_is_a_2xx_or_3xx_code(status):
    with pytest.raises(ResourceConfigurationError, match='2xx or 3xx'):
        Options.check({'status': status}, 'x.get')
    assert Options.check({'status': None}, 'x.get').status is None


def test_none_stands_for_absent_in_optional_values():
    options = Options.check(
        {
            'tags': None,
            'responses': None,
            'media_options': None,
            'cache_control': None,
        },
        'r',
        'resource',
    )
    assert options.tags is options.responses is options.media_options
    assert options.tags is None
    assert options.cache_control is None
    assert options.given == {
        'tags',
        'responses',
        'media_options',
        'cache_control',
    }


def test_merged_lets_the_operation_replace_the_resource():
    resource = Options.check(
        {'summary': 'all', 'tags': ['a']}, 'r', 'resource'
    )
    own = Options.check({'summary': None, 'status': 201}, 'r.post')
    merged = resource.merged(own)
    assert merged.summary is None
    assert merged.tags == ('a',)
    assert merged.status == 201
    assert merged.given == {'summary', 'tags', 'status'}
    assert resource.merged(Options()) is resource


def test_an_operations_responses_are_merged_into_the_resources():
    resource = Options.check(
        {'responses': {404: 'Gone.', 401: 'Log in.'}}, 'r', 'resource'
    )
    own = Options.check({'responses': {404: 'No such post.', 409: 'X'}}, 'g')
    assert resource.merged(own).responses == {
        401: 'Log in.',
        404: 'No such post.',
        409: 'X',
    }
    # None given by the operation: none at all
    cleared = resource.merged(Options.check({'responses': None}, 'g'))
    assert cleared.responses is None
    # the operation's alone
    assert Options().merged(own).responses == own.responses


def test_for_verb_keeps_what_reaches_that_verb():
    resource = Options.check(
        {'schema': Body, 'permission': 'edit', 'summary': 's'},
        'r',
        'resource',
    )
    post = resource.for_verb('POST')
    assert post.verb == 'POST'
    assert post.schema is resource.schema
    get = resource.for_verb('GET')
    assert get.schema is None
    assert 'schema' not in get.given
    assert get.permission == 'edit'
    options = resource.for_verb('OPTIONS')
    assert options.permission is None
    assert options.given == {'summary'}


@pytest.mark.parametrize(
    ('value', 'header'),
    [
        ('max-age=60, public', 'max-age=60, public'),
        ('  no-store ', 'no-store'),
        ({'max_age': 60, 'public': True}, 'max-age=60, public'),
        ({'Max-Age': 0, 'no_transform': False, 'x': None}, 'max-age=0'),
        ({'private': 'Set-Cookie'}, 'private=Set-Cookie'),
        (
            {'no_cache': 'Set-Cookie, X-"A"'},
            'no-cache="Set-Cookie, X-\\"A\\""',
        ),
    ],
)
def test_cache_control_takes_a_string_or_a_mapping(value, header):
    options = Options.check({'cache_control': value}, 'r', 'resource')
    assert options.cache_control == header


@pytest.mark.parametrize(
    ('value', 'message'),
    [
        ('', 'a non-empty one-line header value'),
        ('max-age=1\r\nX-Evil: 1', 'a non-empty one-line header value'),
        ({}, 'a string or a mapping of directives'),
        (['public'], 'a string or a mapping of directives'),
        ({'max age': 1}, "'max age' is not a Cache-Control directive name"),
        ({1: True}, '1 is not a Cache-Control directive name'),
        ({'max_age': -1}, 'max_age must not be negative'),
        ({'max_age': 1.5}, 'must be true, an integer or a string'),
        ({'private': 'a\nb'}, 'must be true, an integer or a string'),
        ({'public': False}, 'gives no directive'),
    ],
)
def test_bad_cache_control_is_refused(value, message):
    with pytest.raises(ResourceConfigurationError) as info:
        Options.check({'cache_control': value}, 'r', 'resource')
    assert message in str(info.value)


def test_cors_origins_are_a_star_or_origins():
    check = Options.check
    assert check({'cors_origins': '*'}, 'r').cors_origins == ('*',)
    assert check(
        {'cors_origins': 'https://a.example http://b.example:8080'}, 'r'
    ).cors_origins == ('https://a.example', 'http://b.example:8080')
    assert check({'cors_origins': None}, 'r').cors_origins is None
    for bad in (
        1,
        [1],
        ['https://a.example/path'],
        ['a.example'],
        ['*', 'https://a.example'],
    ):
        with pytest.raises(ResourceConfigurationError, match='cors_origins'):
            check({'cors_origins': bad}, 'r')


def test_versions_are_strings():
    check = Options.check
    assert check({'versions': ('1', 2)}, 'r').versions == ('1', '2')
    assert check({'versions': '2'}, 'r').versions == ('2',)
    assert check({'versions': 3}, 'r').versions == ('3',)
    assert check({'versions': None}, 'r').versions is None
    for bad in ((), [True], [''], [1.5], True):
        with pytest.raises(ResourceConfigurationError, match='versions'):
            check({'versions': bad}, 'r')


def test_http_options_reach_their_verbs():
    resource = Options.check(
        {
            'etag': True,
            'cache_control': 'no-store',
            'require_if_match': True,
            'versions': ['2'],
        },
        'r',
        'resource',
    )
    get = resource.for_verb('GET')
    assert (get.etag, get.cache_control, get.require_if_match) == (
        True,
        'no-store',
        None,
    )
    put = resource.for_verb('PUT')
    assert (put.etag, put.cache_control, put.require_if_match) == (
        None,
        None,
        True,
    )
    assert resource.for_verb('POST').require_if_match is None
    assert resource.for_verb('OPTIONS').versions == ('2',)
