"""Throttling through whole applications on the memory storage (webtest).

Budgets per resource, per scope and per verb; the key (userid, else the
address); the window; the 429 in each problem family; the RateLimit
headers; where the throttle sits among the checks; HEAD and OPTIONS; the
storage of each application; configuration errors.  The Redis storage
and real servers: test_throttling_servers.py.
"""

from __future__ import annotations

import re
import time
from typing import Any

import colander
import pytest
import webtest
import yaml
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.security import Allowed, Denied

from pyramid_restkit import operation, throttling
from pyramid_restkit.errors import ResourceConfigurationError

#: draft-ietf-httpapi-ratelimit-headers-11: a String item and Integer
#: parameters (RFC 9651).
POLICY = re.compile(r'"(?P<name>[ -~]*)";q=(?P<q>\d+);w=(?P<w>\d+)')
CURRENT = re.compile(r'"(?P<name>[ -~]*)";r=(?P<r>\d+);t=(?P<t>\d+)')


class Policy:
    """A userid from ``X-User``; ``X-Deny`` refuses every permission."""

    def identity(self, request: Any) -> Any:
        return request.headers.get('X-User')

    def authenticated_userid(self, request: Any) -> Any:
        return request.headers.get('X-User')

    def permits(self, request: Any, context: Any, permission: str) -> Any:
        if 'X-Deny' in request.headers:
            return Denied('denied')
        return Allowed('allowed')

    def remember(self, request: Any, userid: Any, **kw: Any) -> list[Any]:
        return []  # pragma: no cover

    def forget(self, request: Any, **kw: Any) -> list[Any]:
        return []  # pragma: no cover


class PostSchema(colander.MappingSchema):
    title = colander.SchemaNode(colander.String(), missing='')


class Posts:
    calls = 0

    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        Posts.calls += 1
        return [{'id': 1}]

    @operation(status=201, schema=PostSchema)
    def collection_post(self) -> Any:
        Posts.calls += 1
        return {'id': 2}

    def collection_delete(self) -> None:
        return None


class Comments:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []


def build(
    *resources: tuple[type, str, dict[str, Any]],
    settings: dict[str, Any] | None = None,
    policy: bool = False,
) -> webtest.TestApp:
    config = Configurator(settings=settings or {}, autocommit=False)
    config.include('pyramid_restkit')
    if policy:
        config.set_security_policy(Policy())
    for cls, path, options in resources:
        config.add_resource(cls, collection_path=path, **options)
    return webtest.TestApp(config.make_wsgi_app())


def headers_of(res: Any) -> tuple[dict[str, str], dict[str, str]]:
    policy = POLICY.fullmatch(res.headers['RateLimit-Policy'])
    current = CURRENT.fullmatch(res.headers['RateLimit'])
    assert policy is not None and current is not None, res.headers
    return policy.groupdict(), current.groupdict()


@pytest.fixture(autouse=True)
def _count_calls() -> None:
    Posts.calls = 0


def test_budget_per_resource_then_429() -> None:
    app = build((Posts, '/posts', {'throttle': '3/minute'}))
    for remaining in (2, 1, 0):
        res = app.get('/posts')
        policy, current = headers_of(res)
        assert policy == {'name': 'posts', 'q': '3', 'w': '60'}
        assert current['name'] == 'posts'
        assert int(current['r']) == remaining
        assert 0 < int(current['t']) <= 60
        assert 'Retry-After' not in res.headers
    res = app.get('/posts', status=429)
    assert res.content_type == 'application/problem+json'
    assert res.json['status'] == 429
    assert res.json['title'] == 'Too Many Requests'
    assert "'posts'" in res.json['detail']
    retry = int(res.headers['Retry-After'])
    policy, current = headers_of(res)
    assert current['r'] == '0'
    assert 1 <= retry and int(current['t']) <= retry <= 60
    assert Posts.calls == 3  # a refused request does not run the method
    # Every verb of the resource spends the one budget of the resource.
    app.post_json('/posts', {}, status=429)
    assert Posts.calls == 3


def test_unthrottled_resource_has_no_headers() -> None:
    app = build((Posts, '/posts', {}))
    res = app.get('/posts')
    assert 'RateLimit' not in res.headers
    assert 'RateLimit-Policy' not in res.headers


def test_429_in_each_problem_family() -> None:
    app = build(
        (Posts, '/posts', {'throttle': '1/hour'}),
    )
    app.get('/posts')
    res = app.get('/posts', headers={'Accept': 'application/xml'}, status=429)
    assert res.content_type == 'application/problem+xml'
    assert '<status>429</status>' in res.text
    res = app.get('/posts', headers={'Accept': 'application/yaml'}, status=429)
    assert yaml.safe_load(res.text)['status'] == 429
    assert res.headers['Retry-After'].isdigit()
    res = app.get('/posts.json', status=429)
    assert res.json['status'] == 429


def test_scope_is_shared_by_resources_whatever_the_spelling() -> None:
    # NOTE: limits' own keys hold the rate ('10/minute' and '10/60
    # seconds' are two counters there); the kit keys budgets by name.
    app = build(
        (Posts, '/posts', {'throttle': '3/minute', 'throttle_scope': 'api'}),
        (
            Comments,
            '/comments',
            {'throttle': '3 per 60 seconds', 'throttle_scope': 'api'},
        ),
    )
    assert headers_of(app.get('/posts'))[1]['r'] == '2'
    res = app.get('/comments')
    policy, current = headers_of(res)
    assert policy == {'name': 'api', 'q': '3', 'w': '60'}
    assert current['r'] == '1'
    app.get('/posts')
    app.get('/comments', status=429)


def test_scope_named_like_a_resource_is_another_budget() -> None:
    app = build(
        (Posts, '/posts', {'throttle': '1/minute'}),
        (
            Comments,
            '/comments',
            {'throttle': '1/minute', 'throttle_scope': 'posts'},
        ),
    )
    app.get('/posts')
    app.get('/comments')
    app.get('/posts', status=429)


def test_budget_per_verb_from_a_mapping() -> None:
    app = build(
        (Posts, '/posts', {'throttle': {'get': '2/minute', 'POST': '1/hour'}})
    )
    app.post_json('/posts', {}, status=201)
    res = app.post_json('/posts', {}, status=429)
    assert headers_of(res)[0] == {'name': 'posts', 'q': '1', 'w': '3600'}
    assert headers_of(app.get('/posts'))[1]['r'] == '1'
    app.get('/posts')
    app.get('/posts', status=429)
    # DELETE has no rate: not throttled.
    res = app.delete('/posts', status=204)
    assert 'RateLimit' not in res.headers


def test_operation_rate_is_per_verb() -> None:
    class Notes(Posts):
        @operation(status=201, throttle='1/minute')
        def collection_post(self) -> Any:
            return {'id': 3}

    app = build((Notes, '/notes', {'throttle': '2/minute'}))
    app.post_json('/notes', {}, status=201)
    app.post_json('/notes', {}, status=429)
    assert headers_of(app.get('/notes'))[1]['r'] == '1'
    app.delete('/notes', status=204)
    app.get('/notes', status=429)


def test_head_spends_gets_budget_and_options_is_never_throttled() -> None:
    app = build(
        (Posts, '/posts', {'throttle': '2/minute'}),
        settings={'restkit.cors.origins': 'https://app.example'},
    )
    res = app.head('/posts')
    assert headers_of(res)[1]['r'] == '1'
    app.get('/posts')
    app.head('/posts', status=429)
    for _ in range(3):
        res = app.options('/posts', status=204)
        assert 'RateLimit' not in res.headers
        res = app.options(
            '/posts',
            headers={
                'Origin': 'https://app.example',
                'Access-Control-Request-Method': 'GET',
            },
            status=204,
        )
        assert 'RateLimit' not in res.headers


def test_userid_else_address() -> None:
    app = build((Posts, '/posts', {'throttle': '1/minute'}), policy=True)
    app.get('/posts', headers={'X-User': 'alice'})
    app.get('/posts', headers={'X-User': 'alice'}, status=429)
    app.get('/posts', headers={'X-User': 'bob'})
    # A userid that looks like the address is still another key.
    app.get('/posts', headers={'X-User': '10.0.0.1'})
    app.get('/posts', extra_environ={'REMOTE_ADDR': '10.0.0.1'})
    app.get('/posts', extra_environ={'REMOTE_ADDR': '10.0.0.1'}, status=429)
    app.get('/posts', extra_environ={'REMOTE_ADDR': '10.0.0.2'})
    # Userids with any character are keys like the others.
    for odd in ('a:b:*', '\udcff', 'x' * 5000, '%41'):
        app.get('/posts', headers={'X-User': 'w'}, status='*')
        environ = {'HTTP_X_USER': odd}
        app.get('/posts', extra_environ=environ)
        app.get('/posts', extra_environ=environ, status=429)


@pytest.mark.parametrize(
    ('proxies', 'forwarded', 'expected'),
    [
        (0, '203.0.113.9', '10.0.0.1'),
        (1, '203.0.113.9', '203.0.113.9'),
        (1, '198.51.100.1, 203.0.113.9', '203.0.113.9'),
        (2, '198.51.100.1, 203.0.113.9', '198.51.100.1'),
        (2, '198.51.100.1,, 203.0.113.9', '198.51.100.1'),
        (2, '203.0.113.9', '10.0.0.1'),  # too few entries
        (1, 'unknown', '10.0.0.1'),
        (1, '203.0.113.9:4711', '10.0.0.1'),
        (1, '<script>', '10.0.0.1'),
        (1, '2001:DB8::1', '2001:db8::1'),
        (1, '2001:db8::1, [2001:db8::2]', '10.0.0.1'),
        (1, '', '10.0.0.1'),
    ],
)
def test_client_address(proxies: int, forwarded: str, expected: str) -> None:
    environ = {'REMOTE_ADDR': '10.0.0.1', 'HTTP_X_FORWARDED_FOR': forwarded}
    assert throttling.client_address(environ, proxies) == expected


def test_trusted_proxies_through_the_app() -> None:
    app = build(
        (Posts, '/posts', {'throttle': '1/minute'}),
        settings={'restkit.trusted_proxies': '1'},
    )
    proxy = {'REMOTE_ADDR': '10.0.0.1'}
    app.get(
        '/posts', headers={'X-Forwarded-For': '1.1.1.1'}, extra_environ=proxy
    )
    app.get(
        '/posts',
        headers={'X-Forwarded-For': '1.1.1.1'},
        extra_environ=proxy,
        status=429,
    )
    # Another client behind the same proxy, and what the client itself
    # claimed (the leftmost entry) does not count.
    app.get(
        '/posts',
        headers={'X-Forwarded-For': '1.1.1.1, 2.2.2.2'},
        extra_environ=proxy,
    )
    # No usable entry: the proxy's own address.
    app.get(
        '/posts', headers={'X-Forwarded-For': 'bogus'}, extra_environ=proxy
    )
    app.get('/posts', extra_environ=proxy, status=429)


class Clock:
    """``time.time`` of the kit's throttle, by hand."""

    def __init__(self) -> None:
        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(throttling, 'time', clock)
    return clock


def test_window_starts_with_first_request_and_resets(clock: Clock) -> None:
    app = build((Posts, '/posts', {'throttle': '2/10 seconds'}))
    assert headers_of(app.get('/posts'))[1] == {
        'name': 'posts',
        'r': '1',
        't': '10',
    }
    clock.now += 3.5
    assert headers_of(app.get('/posts'))[1]['t'] == '7'
    clock.now += 6
    res = app.get('/posts', status=429)
    assert res.headers['Retry-After'] == '1'
    assert headers_of(res)[1] == {'name': 'posts', 'r': '0', 't': '1'}
    assert res.json['detail'] == (
        "Too many requests: the budget 'posts' is spent; retry in 1 second."
    )
    clock.now += 1
    # A new window: the whole budget again.
    assert headers_of(app.get('/posts'))[1] == {
        'name': 'posts',
        'r': '1',
        't': '10',
    }


def test_permission_refusal_spends_nothing() -> None:
    app = build(
        (Posts, '/posts', {'throttle': '1/minute', 'permission': 'view'}),
        policy=True,
    )
    for _ in range(3):
        res = app.get('/posts', headers={'X-Deny': '1'}, status=403)
        assert 'RateLimit' not in res.headers
    app.get('/posts')
    app.get('/posts', headers={'X-Deny': '1'}, status=403)
    app.get('/posts', status=429)


def test_throttle_before_negotiation_and_body() -> None:
    app = build((Posts, '/posts', {'throttle': '2/minute'}))
    # Requests that reach the throttle spend budget, and their errors
    # carry the headers.
    res = app.get('/posts', headers={'Accept': 'text/x-nothing'}, status=406)
    assert headers_of(res)[1]['r'] == '1'
    res = app.post('/posts', '{', content_type='application/json', status=400)
    assert headers_of(res)[1]['r'] == '0'
    # Over the budget, 429 comes first: no 406, 415 or 400.
    app.get('/posts', headers={'Accept': 'text/x-nothing'}, status=429)
    app.post('/posts', 'x', content_type='text/x-nothing', status=429)
    app.post('/posts', '{', content_type='application/json', status=429)
    assert Posts.calls == 0


def test_application_error_after_throttle_has_headers() -> None:
    class Broken(Posts):
        def collection_get(self) -> Any:
            from pyramid.httpexceptions import HTTPConflict

            raise HTTPConflict()

    app = build((Broken, '/broken', {'throttle': '5/minute'}))
    res = app.get('/broken', status=409)
    assert headers_of(res)[1]['r'] == '4'


def test_two_applications_have_their_own_memory() -> None:
    first = build((Posts, '/posts', {'throttle': '1/minute'}))
    second = build((Posts, '/posts', {'throttle': '1/minute'}))
    first.get('/posts')
    second.get('/posts')
    first.get('/posts', status=429)
    second.get('/posts', status=429)


def test_policy_names_are_structured_field_strings() -> None:
    app = build(
        (
            Posts,
            '/posts',
            {'throttle': '5/minute', 'throttle_scope': 'a "b" \\ é%'},
        ),
    )
    res = app.get('/posts')
    assert res.headers['RateLimit-Policy'] == (
        '"a \\"b\\" \\\\ %C3%A9%25";q=5;w=60'
    )
    assert res.headers['RateLimit'].startswith('"a \\"b\\" \\\\ %C3%A9%25";')


def test_yaml_declares_throttles(tmp_path: Any) -> None:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'resources:\n'
        '  - name: posts\n'
        f'    class: {__name__}.Posts\n'
        '    collection_path: /posts\n'
        '    throttle: {GET: 1/minute}\n'
        '    throttle_scope: reads\n'
    )
    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.load_resources(str(path))
    app = webtest.TestApp(config.make_wsgi_app())
    assert headers_of(app.get('/posts'))[0]['name'] == 'reads'
    app.get('/posts', status=429)
    app.post_json('/posts', {}, status=201)


@pytest.mark.parametrize(
    'rate',
    ['0/minute', '10/fortnight', '1/second; 5/minute', 10, '5/0 seconds'],
)
def test_bad_rate(rate: Any) -> None:
    with pytest.raises(ResourceConfigurationError, match='throttle'):
        build((Posts, '/posts', {'throttle': rate}))


def test_two_rates_for_one_scope() -> None:
    with pytest.raises(ConfigurationError, match="scope 'api'"):
        build(
            (
                Posts,
                '/posts',
                {'throttle': '3/minute', 'throttle_scope': 'api'},
            ),
            (
                Comments,
                '/comments',
                {'throttle': '4/minute', 'throttle_scope': 'api'},
            ),
        )
    with pytest.raises(ConfigurationError, match="scope 'api'"):
        build(
            (
                Posts,
                '/posts',
                {
                    'throttle': {'GET': '3/minute', 'POST': '3/hour'},
                    'throttle_scope': 'api',
                },
            ),
        )


def test_throttle_on_options_is_refused() -> None:
    class Opt(Posts):
        @operation(throttle='1/minute')
        def collection_options(self) -> None:
            return None

    with pytest.raises(ConfigurationError, match='OPTIONS'):
        build((Opt, '/opt', {}))


@pytest.mark.parametrize(
    ('key', 'value'),
    [
        ('restkit.throttle.storage', 'memcached://localhost'),
        ('restkit.throttle.storage', 'redis://'),
        ('restkit.throttle.storage', 'redis://host:port/0'),
        ('restkit.throttle.storage', 42),
        ('restkit.throttle.fail_open', 'maybe'),
        ('restkit.throttle.fail_open', 1),
        ('restkit.throttle.timeout', '0'),
        ('restkit.throttle.timeout', 'soon'),
        ('restkit.throttle.timeout', '61'),
        ('restkit.trusted_proxies', '-1'),
        ('restkit.trusted_proxies', 'two'),
        ('restkit.trusted_proxies', True),
    ],
)
def test_bad_settings(key: str, value: Any) -> None:
    config = Configurator(settings={key: value}, autocommit=False)
    config.include('pyramid_restkit')
    with pytest.raises(ConfigurationError, match=re.escape(key)):
        config.commit()


def test_settings_are_normalized() -> None:
    config = Configurator(
        settings={
            'restkit.throttle.storage': ' redis://127.0.0.1:1/0 ',
            'restkit.throttle.fail_open': 'off',
            'restkit.throttle.timeout': '0.5',
            'restkit.trusted_proxies': '2',
        },
        autocommit=False,
    )
    config.include('pyramid_restkit')
    config.commit()
    settings = config.registry.settings
    assert settings['restkit.throttle.storage'] == 'redis://127.0.0.1:1/0'
    assert settings['restkit.throttle.fail_open'] is False
    assert settings['restkit.throttle.timeout'] == 0.5
    assert settings['restkit.trusted_proxies'] == 2


def test_prestkit_shows_each_verbs_rate() -> None:
    from pyramid_restkit.config.options import Options
    from pyramid_restkit.scripts.table import format_table, http_options

    resource = Options.check(
        {'throttle': {'GET': '10 per 2 minutes'}, 'throttle_scope': 'reads'},
        'posts',
        'resource',
    )
    get = http_options(resource.for_verb('GET'))
    assert get == {'throttle': '10 per 2 minutes', 'throttle_scope': 'reads'}
    assert http_options(resource.for_verb('POST')) == {}
    row = {
        'resource': 'posts',
        'route': 'posts.collection',
        'pattern': '/posts',
        'verb': 'GET',
        'method': 'collection_get',
        'schema': None,
        'response_schema': None,
        'status': 200,
        'no_content': False,
        'permission': None,
        'media_types': ['json'],
        'forced_media_type': None,
        'http': get,
        'declared': 'x.py:1',
    }
    line = format_table([row]).splitlines()[2]
    assert 'throttle=10/2minutes; throttle_scope=reads' in line


def test_option_edge_values(tmp_path: Any) -> None:
    # None is no throttle; a verb the kit does not throttle is refused.
    res = build((Posts, '/posts', {'throttle': None})).get('/posts')
    assert 'RateLimit' not in res.headers
    for verb in ('HEAD', 'OPTIONS', 'TRACE'):
        with pytest.raises(ResourceConfigurationError, match=repr(verb)):
            build((Posts, '/posts', {'throttle': {verb: '1/minute'}}))
    # YAML takes a plain rate as well as a mapping.
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'resources:\n'
        '  - name: posts\n'
        f'    class: {__name__}.Posts\n'
        '    collection_path: /posts\n'
        '    throttle: 1 per minute\n'
    )
    config = Configurator(autocommit=False)
    config.include('pyramid_restkit')
    config.load_resources(str(path))
    app = webtest.TestApp(config.make_wsgi_app())
    assert headers_of(app.get('/posts'))[0] == {
        'name': 'posts',
        'q': '1',
        'w': '60',
    }
    app.post_json('/posts', {}, status=429)
