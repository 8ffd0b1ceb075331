"""Serving the OpenAPI document and its documentation page, end to end.

``/openapi.json``, ``/openapi.yaml``, ``/docs`` and the page's assets
through real WSGI apps: bodies, content types, caching headers, the
``restkit.openapi.*`` settings and where the routes go; and
:func:`get_openapi`, which builds the document once.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webtest
import yaml
from openapi_spec_validator import validate
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import IRoutesMapper

import pyramid_restkit.openapi
import pyramid_restkit.openapi.document
from pyramid_restkit import get_openapi
from pyramid_restkit.interfaces import IOpenAPI
from pyramid_restkit.openapi.views import ASSET_MAX_AGE, DOCS_EXTRA, OpenAPI

MakeApp = Callable[[], webtest.TestApp]
ROOT = Path(__file__).resolve().parent.parent.parent

SWAGGER_ASSETS = {
    'swagger-ui.css': 'text/css',
    'swagger-ui-bundle.js': 'text/javascript',
    'favicon-32x32.png': 'image/png',
}


class Widgets:
    """Widgets."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []

    def get(self) -> Any:
        return {'id': self.request.matchdict['id']}


def make(config: Configurator, make_app: MakeApp) -> webtest.TestApp:
    config.add_resource(
        Widgets, collection_path='/widgets', path='/widgets/{id}'
    )
    return make_app()


def include(settings: dict[str, Any]) -> Configurator:
    """A configurator including the kit with ``settings`` (may raise)."""
    config = Configurator(settings=settings, autocommit=False)
    config.include('pyramid_restkit')
    return config


# -- the document -------------------------------------------------------------


def test_json_document(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    res = app.get('/openapi.json')
    assert res.content_type == 'application/json'
    assert res.charset is None
    assert res.headers['Cache-Control'] == 'no-cache'
    document = get_openapi(app.app.registry)
    assert res.json == document
    validate(res.json)
    assert set(res.json['paths']) == {'/widgets', '/widgets/{id}'}
    # the kit's own routes are not in it
    assert not any('openapi' in path for path in res.json['paths'])
    etag = res.headers['ETag']
    assert etag.startswith('"') and len(etag) == 34
    # the same bytes each time
    again = app.get('/openapi.json')
    assert again.body == res.body
    assert again.headers['ETag'] == etag


def test_yaml_document(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    res = app.get('/openapi.yaml')
    assert res.content_type == 'application/yaml'
    assert res.headers['Cache-Control'] == 'no-cache'
    document = yaml.safe_load(res.text)
    assert document == get_openapi(app.app.registry)
    validate(document)
    assert res.headers['ETag'] != app.get('/openapi.json').headers['ETag']


@pytest.mark.parametrize('path', ['/openapi.json', '/openapi.yaml'])
def test_revalidation_and_head(
    config: Configurator, make_app: MakeApp, path: str
) -> None:
    app = make(config, make_app)
    res = app.get(path)
    etag = res.headers['ETag']
    unchanged = app.get(path, headers={'If-None-Match': etag}, status=304)
    assert unchanged.body == b''
    assert unchanged.headers['ETag'] == etag
    changed = app.get(path, headers={'If-None-Match': '"other"'})
    assert changed.body == res.body
    head = app.head(path)
    assert head.body == b''
    assert head.headers['ETag'] == etag
    assert head.headers['Content-Type'] == res.headers['Content-Type']
    assert int(head.headers['Content-Length']) == len(res.body)
    # only GET and HEAD
    app.post(path, status=404)


# -- the documentation page ---------------------------------------------------


def test_swagger_ui_page(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    res = app.get('/docs')
    assert res.content_type == 'text/html'
    assert res.headers['Cache-Control'] == 'no-cache'
    page = res.text
    assert '<title>API</title>' in page
    assert 'url: "/openapi.json",' in page
    assert 'SwaggerUIBundle(' in page
    for name in SWAGGER_ASSETS:
        assert f'"/docs/{name}"' in page
    # no CDN: everything the page loads is served here
    assert 'http' not in page.replace('http-equiv', '')
    assert app.head('/docs').body == b''


def test_assets(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    for name, content_type in SWAGGER_ASSETS.items():
        res = app.get(f'/docs/{name}')
        assert res.content_type == content_type
        assert (
            res.headers['Cache-Control'] == f'public, max-age={ASSET_MAX_AGE}'
        )
        assert len(res.body) > 100
        etag = res.headers['ETag']
        app.get(f'/docs/{name}', headers={'If-None-Match': etag}, status=304)
        # read once, kept
        assert app.get(f'/docs/{name}').body == res.body
        assert app.head(f'/docs/{name}').body == b''
    # only the files the page loads
    for name in ('index.html', 'redoc.standalone.js', '..', 'x.css'):
        app.get(f'/docs/{name}', status=404)
    app.get('/docs/a/b', status=404)


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.openapi.docs_ui': 'redoc',
            'restkit.openapi.title': '<Shop> & "co"',
            'restkit.openapi.json_path': '/spec</script>.json',
        }
    ],
)
def test_redoc_page(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    page = app.get('/docs').text
    assert '<title>&lt;Shop&gt; &amp; &quot;co&quot;</title>' in page
    # the path is quoted: it cannot close the script element
    assert 'Redoc.init("/spec%3C/script%3E.json", {}' in page
    assert '</script>.json' not in page
    assert '<script src="/docs/redoc.standalone.js"></script>' in page
    res = app.get('/docs/redoc.standalone.js')
    assert res.content_type == 'text/javascript'
    app.get('/docs/swagger-ui.css', status=404)
    spec = page.split('Redoc.init(')[1].split(',')[0]
    path = json.loads(spec)
    assert app.get(path).json['info']['title'] == '<Shop> & "co"'


# -- routes -------------------------------------------------------------------


def test_routes_come_after_the_applications(
    config: Configurator, make_app: MakeApp
) -> None:
    config.add_route('mine', '/openapi.json')
    config.add_view(
        lambda request: {'mine': True}, route_name='mine', renderer='json'
    )
    config.add_route('page', '/{name}')
    config.add_view(
        lambda request: {'page': request.matchdict['name']},
        route_name='page',
        renderer='json',
    )
    app = make(config, make_app)
    mapper = app.app.registry.getUtility(IRoutesMapper)
    names = [route.name for route in mapper.get_routes()]
    assert names[-4:] == [
        'restkit.openapi.json',
        'restkit.openapi.yaml',
        'restkit.docs',
        'restkit.docs.assets',
    ]
    assert names.index('mine') < names.index('restkit.openapi.json')
    # the application's routes win
    assert app.get('/openapi.json').json == {'mine': True}
    assert app.get('/docs').json == {'page': 'docs'}
    assert app.get('/openapi.yaml').json == {'page': 'openapi.yaml'}
    # what they do not match is still served
    assert app.get('/docs/swagger-ui.css').content_type == 'text/css'
    assert app.get('/widgets/1').json == {'id': '1'}


# -- settings -----------------------------------------------------------------


@pytest.mark.parametrize('settings', [{'restkit.openapi': 'false'}])
def test_disabled(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    for path in ('/openapi.json', '/openapi.yaml', '/docs', '/docs/x.css'):
        app.get(path, status=404)
    mapper = app.app.registry.getUtility(IRoutesMapper)
    assert not any(
        route.name.startswith('restkit.') for route in mapper.get_routes()
    )
    # the document is still there for scripts and tests
    validate(get_openapi(app.app.registry))
    assert set(get_openapi(app.app.registry)['paths']) == {
        '/widgets',
        '/widgets/{id}',
    }


@pytest.mark.parametrize(
    ('settings', 'served', 'absent'),
    [
        (
            {'restkit.openapi.json_path': 'false'},
            ['/openapi.yaml'],
            # the page needs the JSON document: no page either
            ['/openapi.json', '/docs'],
        ),
        (
            {'restkit.openapi.yaml_path': 'off'},
            ['/openapi.json', '/docs'],
            ['/openapi.yaml'],
        ),
        (
            {'restkit.openapi.docs_path': 'none'},
            ['/openapi.json', '/openapi.yaml'],
            ['/docs', '/docs/swagger-ui.css'],
        ),
        (
            {
                'restkit.openapi.json_path': 'no',
                'restkit.openapi.yaml_path': '',
            },
            [],
            ['/openapi.json', '/openapi.yaml', '/docs'],
        ),
    ],
)
def test_each_path_can_be_disabled(
    config: Configurator,
    make_app: MakeApp,
    served: list[str],
    absent: list[str],
) -> None:
    app = make(config, make_app)
    for path in served:
        app.get(path)
    for path in absent:
        app.get(path, status=404)


@pytest.mark.parametrize(
    'settings',
    [
        {
            'restkit.openapi.json_path': '/api/spec.json',
            'restkit.openapi.yaml_path': '/api/spec.yaml/',
            'restkit.openapi.docs_path': '/api/docs/',
        }
    ],
)
def test_custom_paths(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    for path in ('/openapi.json', '/openapi.yaml', '/docs'):
        app.get(path, status=404)
    validate(app.get('/api/spec.json').json)
    assert app.get('/api/spec.yaml').content_type == 'application/yaml'
    page = app.get('/api/docs').text
    assert 'url: "/api/spec.json",' in page
    assert '"/api/docs/swagger-ui.css"' in page
    app.get('/api/docs/swagger-ui.css')


@pytest.mark.parametrize('settings', [{'restkit.openapi.docs_path': '/'}])
def test_docs_at_the_root(config: Configurator, make_app: MakeApp) -> None:
    app = make(config, make_app)
    page = app.get('/').text
    assert '<link rel="stylesheet" href="/swagger-ui.css">' in page
    app.get('/swagger-ui.css')
    # the document's route comes first
    assert app.get('/openapi.json').json['openapi'] == '3.1.0'
    app.get('/other', status=404)


@pytest.mark.parametrize(
    ('settings', 'message'),
    [
        (
            {'restkit.openapi.json_path': 'openapi.json'},
            'restkit.openapi.json_path must be a path starting with /, '
            "without placeholders, or false to disable it: 'openapi.json'",
        ),
        ({'restkit.openapi.yaml_path': '/spec/{x}'}, "'/spec/{x}'"),
        ({'restkit.openapi.docs_path': '/docs/*rest'}, "'/docs/*rest'"),
        (
            {'restkit.openapi.docs_ui': 'rapidoc'},
            'restkit.openapi.docs_ui must be one of swagger-ui, redoc, not '
            "'rapidoc'",
        ),
        (
            {
                'restkit.openapi.json_path': 'false',
                'restkit.openapi.docs_path': '/docs',
            },
            'restkit.openapi.docs_path needs restkit.openapi.json_path',
        ),
        (
            {'restkit.openapi.yaml_path': '/openapi.json'},
            'restkit.openapi.json_path and restkit.openapi.yaml_path are '
            "the same path: '/openapi.json'",
        ),
        (
            {
                'restkit.openapi.docs_path': '/spec/',
                'restkit.openapi.yaml_path': '/spec',
            },
            'restkit.openapi.yaml_path and restkit.openapi.docs_path',
        ),
    ],
)
def test_bad_settings(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        include(settings)
    assert message in str(info.value)


@pytest.fixture
def without_ui_bundles(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``openapi_ui_bundles`` unimportable, as if not installed."""
    for name in list(sys.modules):
        if name == 'openapi_ui_bundles' or name.startswith(
            'openapi_ui_bundles.'
        ):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, 'openapi_ui_bundles', None)


@pytest.mark.parametrize(
    'settings',
    [
        {'restkit.openapi.docs_path': '/docs'},
        {
            'restkit.openapi.docs_path': '/help',
            'restkit.openapi.docs_ui': 'redoc',
        },
    ],
)
def test_an_explicit_page_needs_the_extra(
    without_ui_bundles: None, settings: dict[str, Any]
) -> None:
    with pytest.raises(ConfigurationError) as info:
        include(settings)
    assert str(info.value) == (
        'restkit.openapi.docs_path: the documentation page needs '
        f'openapi-ui-bundles ({DOCS_EXTRA})'
    )
    assert 'pyramid_restkit[docs]' in DOCS_EXTRA


def test_the_default_page_is_absent_without_the_extra(
    without_ui_bundles: None,
) -> None:
    config = include({})
    app = make(config, lambda: webtest.TestApp(config.make_wsgi_app()))
    app.get('/docs', status=404)
    app.get('/docs/swagger-ui.css', status=404)
    assert app.get('/openapi.json').json['openapi'] == '3.1.0'
    app.get('/openapi.yaml')


# -- get_openapi --------------------------------------------------------------


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Count (and slow down) the builds of the document."""
    calls: list[float] = []
    build = pyramid_restkit.openapi.document.build_document

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(time.monotonic())
        time.sleep(0.05)
        return build(*args, **kwargs)

    monkeypatch.setattr(
        pyramid_restkit.openapi.document, 'build_document', counting
    )
    return calls


def test_built_once(
    config: Configurator, make_app: MakeApp, builds: list[float]
) -> None:
    app = make(config, make_app)
    assert builds == []  # not at commit: on the first use
    registry = app.app.registry
    document = get_openapi(registry)
    validate(document)
    assert get_openapi(registry) is document
    assert app.get('/openapi.json').json == document
    app.get('/openapi.yaml')
    app.get('/docs')
    assert len(builds) == 1
    assert registry.getUtility(IOpenAPI).document(registry) is document


def test_built_once_by_concurrent_requests(
    config: Configurator, make_app: MakeApp, builds: list[float]
) -> None:
    app = make(config, make_app)
    registry = app.app.registry
    results: list[Any] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        barrier.wait()
        results.append(get_openapi(registry))

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(results) == 8
    assert all(result is results[0] for result in results)
    assert len(builds) == 1


def test_a_thread_waiting_for_the_lock_takes_the_built_document(
    config: Configurator, make_app: MakeApp, builds: list[float]
) -> None:
    app = make(config, make_app)
    registry = app.app.registry
    openapi: OpenAPI = registry.getUtility(IOpenAPI)
    results: list[Any] = []
    built = {'built': True}
    with openapi._lock:
        thread = threading.Thread(
            target=lambda: results.append(openapi.document(registry))
        )
        thread.start()
        # the thread found no document and waits for the lock; another
        # (this one) builds it meanwhile
        time.sleep(0.05)
        openapi._documents[None] = built
    thread.join(timeout=10)
    assert results == [built]
    assert builds == []


# -- the generator, imported on first use -------------------------------------

#: Serves a request, then the document: the generator's modules must be
#: loaded by the second only.
FIRST_USE = """
import sys
import webtest
from pyramid.config import Configurator

class Widgets:
    def __init__(self, request):
        self.request = request

    def get(self):
        return {'id': self.request.matchdict['id']}

config = Configurator(autocommit=False)
config.include('pyramid_restkit')
config.add_resource(Widgets, path='/widgets/{id}')
app = webtest.TestApp(config.make_wsgi_app())
assert app.get('/widgets/1').json == {'id': '1'}
generator = {
    'pyramid_restkit.openapi.document',
    'pyramid_restkit.openapi.jsonschema',
}
assert not generator & set(sys.modules), sorted(sys.modules)
app.get('/openapi.json')
assert generator <= set(sys.modules)
"""


def test_the_request_path_does_not_import_the_generator() -> None:
    subprocess.run(
        [sys.executable, '-c', FIRST_USE], check=True, cwd=ROOT, timeout=60
    )


def test_build_document_from_the_package() -> None:
    package = pyramid_restkit.openapi
    assert package.build_document is (
        pyramid_restkit.openapi.document.build_document
    )
    assert {'build_document', 'get_openapi'} <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        package.missing  # noqa: B018
