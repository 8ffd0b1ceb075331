"""Parsing of the restkit.* settings."""

from __future__ import annotations

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationExecutionError

from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.settings import CorsSettings, Settings, parse_settings


def test_defaults():
    settings = parse_settings({})
    assert settings == Settings()
    assert settings.media_types is None
    assert settings.method_override_methods == {'PUT', 'PATCH', 'DELETE'}


def test_values_are_parsed():
    settings = parse_settings(
        {
            'restkit.media_types': 'json\nyaml',
            'restkit.default_media_type': ' yaml ',
            'restkit.method_override': 'off',
            'restkit.method_override.methods': 'put delete',
            'restkit.max_body_size': '10',
            'restkit.max_depth': 3,
            'restkit.validation_status': '422',
            'restkit.unknown_fields': 'ignore',
        }
    )
    assert settings.media_types == ('json', 'yaml')
    assert settings.default_media_type == 'yaml'
    assert settings.method_override is False
    assert settings.method_override_methods == {'PUT', 'DELETE'}
    assert settings.max_body_size == 10
    assert settings.max_depth == 3
    assert settings.validation_status == 422
    assert settings.unknown_fields == 'ignore'


@pytest.mark.parametrize(
    ('key', 'value', 'message'),
    [
        ('restkit.method_override.methods', 'PUT GET', 'not GET'),
        ('restkit.validation_status', '418', '400 or 422'),
        ('restkit.validation_status', 'abc', 'whole number'),
        ('restkit.unknown_fields', 'keep', "'raise' or 'ignore'"),
        ('restkit.max_body_size', '0', 'positive'),
        ('restkit.max_depth', 'deep', 'whole number'),
    ],
)
def test_bad_values_name_the_key(key, value, message):
    with pytest.raises(ResourceConfigurationError) as info:
        parse_settings({key: value})
    assert key in str(info.value)
    assert message in str(info.value)


def test_normalized_values_are_written_back():
    config = Configurator(
        settings={
            'restkit.max_body_size': '100',
            'restkit.media_types': 'json',
        },
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.commit()
    settings = config.registry.settings
    assert settings['restkit.max_body_size'] == 100
    assert settings['restkit.media_types'] == ('json',)
    assert settings['restkit.method_override'] is True


@pytest.mark.parametrize(
    ('settings', 'message'),
    [
        ({'restkit.media_types': 'json nope'}, "unknown media type 'nope'"),
        ({'restkit.default_media_type': 'nope'}, "unknown media type 'nope'"),
    ],
)
def test_bad_media_settings_fail_at_commit(settings, message):
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    with pytest.raises(ConfigurationExecutionError, match=message):
        config.commit()


def test_default_must_be_enabled():
    config = Configurator(
        settings={
            'restkit.media_types': 'json',
            'restkit.default_media_type': 'yaml',
        },
        autocommit=False,
    )
    config.include('pyramid_restkit')
    with pytest.raises(ConfigurationExecutionError, match='not among'):
        config.commit()


@pytest.mark.parametrize(
    ('key', 'hint'),
    [
        ('restkit.max_body', "did you mean 'restkit.max_body_size'?"),
        ('restkit.media_type', "did you mean 'restkit.media_types'?"),
        ('restkit.openapi.tile', "did you mean 'restkit.openapi.title'?"),
        ('restkit.zzzzzzzzzzzz', '(known: restkit.cors.allow_headers'),
        ('restkit.cors.origin', "did you mean 'restkit.cors.origins'?"),
    ],
)
def test_an_unknown_restkit_setting_is_a_configuration_error(key, hint):
    with pytest.raises(ResourceConfigurationError) as info:
        parse_settings({key: '1'})
    assert f'unknown setting {key!r}' in str(info.value)
    assert hint in str(info.value)


def test_other_settings_are_left_alone():
    # not the kit's: pyramid.*, the application's own, 'restkit' alone
    parse_settings({'pyramid.reload_all': 'true', 'restkit': 'x', 'app.x': 1})


def test_an_unknown_setting_stops_the_include():
    config = Configurator(settings={'restkit.max_deph': '3'})
    with pytest.raises(ConfigurationExecutionError) as info:
        config.include('pyramid_restkit')
        config.commit()
    assert "did you mean 'restkit.max_depth'?" in str(info.value)


# -- restkit.cors.* ------------------------------------------------------


def test_cors_is_off_by_default():
    cors = parse_settings({}).cors
    assert cors == CorsSettings()
    assert cors.origins == ()
    assert cors.credentials is False
    assert cors.max_age is None


@pytest.mark.parametrize(
    'origins',
    [
        'https://a.example  http://b.example:8080\n',
        ['https://a.example', 'http://b.example:8080'],
        ('https://a.example http://b.example:8080',),
    ],
)
def test_cors_origins_are_a_list_setting(origins):
    cors = parse_settings({'restkit.cors.origins': origins}).cors
    assert cors.origins == ('https://a.example', 'http://b.example:8080')


def test_cors_values_are_parsed_and_written_back():
    raw = {
        'restkit.cors.origins': ' * ',
        'restkit.cors.credentials': 'yes',
        'restkit.cors.max_age': '600',
        'restkit.cors.expose_headers': 'X-Total X-Request-Id',
        'restkit.cors.allow_headers': ['X-Requested-With'],
    }
    settings = parse_settings(raw)
    assert settings.cors == CorsSettings(
        origins=('*',),
        credentials=True,
        max_age=600,
        expose_headers=('X-Total', 'X-Request-Id'),
        allow_headers=('X-Requested-With',),
    )
    written = settings.as_settings()
    assert written['restkit.cors.origins'] == ('*',)
    assert written['restkit.cors.credentials'] is True
    assert written['restkit.cors.max_age'] == 600
    assert 'restkit.cors.max_age' not in Settings().as_settings()
    assert parse_settings(written) == settings


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (True, True),
        (False, False),
        ('off', False),
        (' ON ', True),
        ('0', False),
    ],
)
def test_cors_credentials_are_a_strict_boolean(value, expected):
    settings = parse_settings({'restkit.cors.credentials': value})
    assert settings.cors.credentials is expected


def test_cors_max_age_zero_is_sent():
    assert parse_settings({'restkit.cors.max_age': 0}).cors.max_age == 0
    assert parse_settings({'restkit.cors.max_age': ' '}).cors.max_age is None


@pytest.mark.parametrize(
    ('key', 'value', 'message'),
    [
        ('restkit.cors.origins', 'https://a.example/', 'is not an origin'),
        ('restkit.cors.origins', 'a.example', 'is not an origin'),
        ('restkit.cors.origins', 'null', 'is not an origin'),
        ('restkit.cors.origins', '* https://a.example', 'is not an origin'),
        ('restkit.cors.origins', 42, 'a list of strings'),
        ('restkit.cors.origins', ['https://a.example', 1], 'list of strings'),
        ('restkit.cors.credentials', 'maybe', 'true or false'),
        ('restkit.cors.max_age', '-1', 'at least 0'),
        ('restkit.cors.max_age', '1h', 'whole number'),
        ('restkit.cors.expose_headers', 'X-Ok X:Bad', 'not a header name'),
        ('restkit.cors.allow_headers', ['Bad,Comma'], 'not a header name'),
    ],
)
def test_bad_cors_values_name_the_key(key, value, message):
    with pytest.raises(ResourceConfigurationError) as info:
        parse_settings({key: value})
    assert key in str(info.value)
    assert message in str(info.value)


def test_bad_cors_settings_fail_at_config_time():
    config = Configurator(
        settings={'restkit.cors.origins': 'https://a.example/path'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    with pytest.raises(ConfigurationExecutionError, match='not an origin'):
        config.commit()


# -- versioning ---------------------------------------------------------------


@pytest.mark.parametrize(
    ('values', 'mode', 'versions'),
    [
        ({}, None, ()),
        ({'restkit.versioning': ''}, None, ()),
        ({'restkit.versioning': 'off', 'restkit.versions': ''}, None, ()),
        ({'restkit.versioning': None}, None, ()),
        (
            {'restkit.versioning': ' Header ', 'restkit.versions': '2\n1'},
            'header',
            ('2', '1'),
        ),
        (
            {'restkit.versioning': 'path', 'restkit.versions': ['v1', 2]},
            'path',
            ('v1', '2'),
        ),
        (
            {'restkit.versioning': 'query', 'restkit.versions': ('1.0',)},
            'query',
            ('1.0',),
        ),
        (
            {'restkit.versioning': 'accept', 'restkit.versions': '2024-06-01'},
            'accept',
            ('2024-06-01',),
        ),
    ],
)
def test_versioning_settings(values, mode, versions):
    settings = parse_settings(values)
    assert settings.versioning == mode
    assert settings.versions == versions


@pytest.mark.parametrize(
    ('values', 'message'),
    [
        (
            {'restkit.versioning': 'cookie', 'restkit.versions': '1'},
            'restkit.versioning must be one of accept, path, query, header, '
            "not 'cookie'",
        ),
        ({'restkit.versioning': 'header'}, 'needs restkit.versions'),
        (
            {'restkit.versioning': 'header', 'restkit.versions': []},
            'needs restkit.versions',
        ),
        ({'restkit.versions': '1 2'}, 'restkit.versions needs restkit.'),
        (
            {'restkit.versioning': 'path', 'restkit.versions': '1 2 1'},
            'names a version twice: 1 2 1',
        ),
        (
            {'restkit.versioning': 'path', 'restkit.versions': ['1', '1']},
            'names a version twice',
        ),
        (
            {'restkit.versioning': 'path', 'restkit.versions': ['a/b']},
            "'a/b' is not a version",
        ),
        (
            {'restkit.versioning': 'path', 'restkit.versions': ['']},
            "'' is not a version",
        ),
        (
            {'restkit.versioning': 'path', 'restkit.versions': [True]},
            'True is not a version',
        ),
        (
            {'restkit.versioning': 'query', 'restkit.versions': 'v;2'},
            "'v;2' is not a version",
        ),
        (
            {'restkit.versioning': 'query', 'restkit.versions': 2},
            'a whitespace-separated string or a list, not 2',
        ),
    ],
)
def test_bad_versioning_settings(values, message):
    with pytest.raises(ResourceConfigurationError) as info:
        parse_settings(values)
    assert message in str(info.value)


def test_versioning_settings_are_written_back():
    config = Configurator(
        settings={'restkit.versioning': 'query', 'restkit.versions': '1 2'},
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.commit()
    settings = config.registry.settings
    assert settings['restkit.versioning'] == 'query'
    assert settings['restkit.versions'] == ('1', '2')
    # parsed again (a second application on the same settings): the same
    assert parse_settings(settings).versions == ('1', '2')


def test_no_versioning_is_written_back_as_none():
    config = Configurator(settings={}, autocommit=False)
    config.include('pyramid_restkit')
    config.commit()
    assert config.registry.settings['restkit.versioning'] is None
    assert config.registry.settings['restkit.versions'] == ()


# -- collections ------------------------------------------------------------


def test_collection_settings_defaults_and_values():
    settings = parse_settings({})
    assert (
        settings.pagination_default_size,
        settings.pagination_max_size,
    ) == (
        20,
        100,
    )
    assert settings.secret is None
    assert settings.sqlalchemy_session == 'dbsession'
    assert 'restkit.secret' not in settings.as_settings()
    settings = parse_settings(
        {
            'restkit.pagination.default_size': '5',
            'restkit.pagination.max_size': '50',
            'restkit.secret': ' s3cret-s3cret-s3cret ',
            'restkit.sqlalchemy.session': 'db',
        }
    )
    assert (
        settings.pagination_default_size,
        settings.pagination_max_size,
    ) == (
        5,
        50,
    )
    assert settings.secret == 's3cret-s3cret-s3cret'
    assert settings.sqlalchemy_session == 'db'
    assert parse_settings(settings.as_settings()) == settings


@pytest.mark.parametrize(
    ('values', 'message'),
    [
        ({'restkit.pagination.default_size': '0'}, 'must be positive'),
        ({'restkit.pagination.max_size': 'x'}, 'must be a whole number'),
        (
            {'restkit.pagination.default_size': '200'},
            'default_size (200) is over restkit.pagination.max_size (100)',
        ),
        ({'restkit.secret': 'short'}, 'at least 16 characters'),
        ({'restkit.secret': 12345678901234567}, 'at least 16 characters'),
        ({'restkit.sqlalchemy.session': 'db session'}, 'a request attribute'),
    ],
)
def test_bad_collection_settings(values, message):
    with pytest.raises(ResourceConfigurationError) as info:
        parse_settings(values)
    assert message in str(info.value)
