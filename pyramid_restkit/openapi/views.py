"""Serving the OpenAPI document and the documentation page.

The document is built once, on the first request that needs it (or the
first call of :func:`get_openapi`), from the committed configuration, and
kept with its JSON and YAML bytes; every response carries an ``ETag``, so
clients revalidate with a ``304``.  The page at ``/docs`` is Swagger UI
(or ReDoc) from the ``openapi-ui-bundles`` package, served by the kit
itself: no CDN, it works offline.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from collections.abc import Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from pyramid.httpexceptions import HTTPNotFound
from pyramid.response import Response

from ..formats.yaml import YAMLRenderer
from ..interfaces import IOpenAPI, IRestkitRoutes
from .info import OpenAPIInfo

#: The documentation UIs: the ``openapi_ui_bundles`` subpackage holding
#: the assets, and the files the page loads from it.
DOCS_UIS: dict[str, tuple[str, tuple[str, ...]]] = {
    'swagger-ui': (
        'swagger_ui',
        ('swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'),
    ),
    'redoc': ('redoc', ('redoc.standalone.js',)),
}
DOCS_EXTRA = 'pip install pyramid_restkit[docs]'

#: Browsers may keep the assets for a day; the ETag revalidates them.
ASSET_MAX_AGE = 86400

#: The Content-Type of each kind of asset.  NOTE: not ``mimetypes``, which
#: reads the system's tables (some map ``.js`` to ``text/plain``).
ASSET_TYPES = {
    '.css': 'text/css',
    '.js': 'text/javascript',
    '.png': 'image/png',
}


class OpenAPI:
    """The ``IOpenAPI`` utility: settings, the document and its bytes."""

    def __init__(self, info: OpenAPIInfo) -> None:
        self.info = info
        self.security_schemes: dict[str, Mapping[str, Any]] = {}
        #: Those of the security policy, and whether it challenges (set
        #: at commit: openapi.config.policy_security).
        self.policy_schemes: dict[str, Mapping[str, Any]] = {}
        self.challenges = False
        #: (key, converter) pairs of add_json_schema_type/_validator.
        self.converters: dict[str, list[tuple[Any, Any]]] = {
            'types': [],
            'validators': [],
        }
        self.json_route: str | None = None
        self._lock = threading.Lock()
        #: The documents built, by API version (``None``: unversioned).
        self._documents: dict[str | None, dict[str, Any]] = {}
        self._bytes: dict[tuple[str, str | None], tuple[bytes, str]] = {}

    def document(
        self, registry: Any, version: str | None = None
    ) -> dict[str, Any]:
        """The document of ``registry``, built on the first call.

        With ``restkit.versioning``, one document per API version
        (``version``, else the default one); see :func:`get_openapi`.
        """
        version = api_version_of(registry, version)
        document = self._documents.get(version)
        if document is None:
            with self._lock:
                document = self._documents.get(version)
                if document is None:
                    # NOTE: a scheme the application declared replaces
                    # the policy's of the same name.
                    info = self.info._replace(
                        security_schemes={
                            **self.policy_schemes,
                            **self.security_schemes,
                        },
                        challenges=self.challenges,
                    )
                    # NOTE: imported here: applications that never serve
                    # the document do not load the generator.
                    from .document import build_document

                    document = self._documents[version] = build_document(
                        registry, info, self.converters, version
                    )
        return document

    def serialized(
        self, registry: Any, fmt: str, version: str | None = None
    ) -> tuple[bytes, str]:
        """The document as ``json`` or ``yaml`` bytes, and their ETag."""
        key = (fmt, api_version_of(registry, version))
        found = self._bytes.get(key)
        if found is None:
            document = self.document(registry, key[1])
            if fmt == 'json':
                body = json.dumps(document, indent=2).encode()
            else:
                body = YAMLRenderer().dumps(document, None)
            found = body, hashlib.sha256(body).hexdigest()[:32]
            self._bytes[key] = found
        return found


def api_version_of(registry: Any, version: str | None) -> str | None:
    """The API version whose document is asked for: ``version``, else the
    default one; ``None`` without versioning.

    Raises ``ValueError`` for a version ``restkit.versions`` lacks, or
    for one given without versioning.
    """
    versioning = registry.getUtility(IRestkitRoutes).versioning
    if versioning is None:
        if version is not None:
            raise ValueError(
                f'no API version {version!r}: restkit.versioning is not set'
            )
        return None
    if version is None:
        return str(versioning.default)
    if version not in versioning.known:
        raise ValueError(
            f'no API version {version!r}; versions: '
            f'{", ".join(versioning.versions)}'
        )
    return version


def get_openapi(registry: Any, version: str | None = None) -> dict[str, Any]:
    """Return the OpenAPI document of an application's ``registry``.

    With ``restkit.versioning`` there is one document per API version,
    listing what that version serves: ``version`` names it (one of
    ``restkit.versions``), else it is the default version's.  Example,
    in a test or a script::

        document = get_openapi(app.registry)
        second = get_openapi(app.registry, version='2')

    .. versionadded:: 0.1
    """
    openapi: OpenAPI = registry.getUtility(IOpenAPI)
    return openapi.document(registry, version)


def _respond(request: Any, body: bytes, etag: str, content_type: str) -> Any:
    response = Response(
        body=body, content_type=content_type, charset=None, etag=etag
    )
    response.cache_control = 'no-cache'
    # NOTE: WebOb answers If-None-Match with a 304 (and HEAD bodyless).
    response.conditional_response = True
    return response


def requested_version(request: Any) -> str | None:
    """The ``?version=`` of a request for the document or the page.

    ``None`` when absent (the default version's document), and always
    without versioning (the parameter means nothing then).  Raises
    ``ValueError`` for an unknown version or several ``version``
    parameters.
    """
    if request.registry.getUtility(IRestkitRoutes).versioning is None:
        return None
    try:
        values = [v for v in request.GET.getall('version') if v]
    except UnicodeError:
        raise ValueError('the query string is not valid UTF-8') from None
    if len(values) > 1:
        raise ValueError('send one version parameter')
    version = values[0] if values else None
    api_version_of(request.registry, version)
    return version


def _no_document(detail: str) -> Any:
    """404 problem details: no document for the version asked for."""
    body = {'type': 'about:blank', 'title': 'Not Found', 'status': 404}
    body['detail'] = detail[:200]
    return Response(
        body=json.dumps(body).encode(),
        status=404,
        content_type='application/problem+json',
        charset=None,
    )


def _document_view(request: Any, fmt: str, content_type: str) -> Any:
    openapi: OpenAPI = request.registry.getUtility(IOpenAPI)
    try:
        version = requested_version(request)
    except ValueError as exc:
        return _no_document(f'No document: {exc}.')
    body, etag = openapi.serialized(request.registry, fmt, version)
    return _respond(request, body, etag, content_type)


def openapi_json_view(request: Any) -> Any:
    """``GET /openapi.json`` (``?version=`` with versioning)."""
    return _document_view(request, 'json', 'application/json')


def openapi_yaml_view(request: Any) -> Any:
    """``GET /openapi.yaml`` (``?version=`` with versioning)."""
    return _document_view(request, 'yaml', 'application/yaml')


def docs_assets(ui: str) -> Path:
    """The folder of ``ui``'s files; ``ImportError`` names the extra."""
    package, _ = DOCS_UIS[ui]
    try:
        module = import_module(f'openapi_ui_bundles.{package}')
    except ImportError:
        raise ImportError(
            f'The documentation page needs openapi-ui-bundles: {DOCS_EXTRA}'
        ) from None
    return Path(module.static_path)


_SWAGGER_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
</head>
<body>
{versions}<div id="docs"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>
window.addEventListener('load', function () {{
  window.ui = SwaggerUIBundle({{
    url: {spec},
    dom_id: '#docs',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis]
  }});
}});
</script>
</body>
</html>
"""

_REDOC_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ margin: 0; }}</style>
</head>
<body>
{versions}<div id="docs"></div>
<script src="{assets}/redoc.standalone.js"></script>
<script>
window.addEventListener('load', function () {{
  Redoc.init({spec}, {{}}, document.getElementById('docs'));
}});
</script>
</body>
</html>
"""


def _version_links(request: Any, version: str | None) -> str:
    """With versioning, a line of links to each version's page
    (``version``'s is the current one)."""
    versioning = request.registry.getUtility(IRestkitRoutes).versioning
    if versioning is None:
        return ''
    current = version or versioning.default
    links = []
    for each in versioning.versions:
        text = html.escape(each)
        if each == current:
            links.append(f'<strong>{text}</strong>')
        else:
            href = html.escape(
                request.current_route_path(_query={'version': each})
            )
            links.append(f'<a href="{href}">{text}</a>')
    return (
        '<nav style="font-family: sans-serif; padding: 8px 16px">'
        f'API version: {" | ".join(links)}</nav>\n'
    )


class DocsView:
    """The documentation page (``GET /docs``) of one UI."""

    def __init__(self, ui: str, asset_route: str) -> None:
        self.ui = ui
        self.asset_route = asset_route

    def __call__(self, request: Any) -> Any:
        openapi: OpenAPI = request.registry.getUtility(IOpenAPI)
        try:
            version = requested_version(request)
        except ValueError as exc:
            return _no_document(f'No document: {exc}.')
        query = {} if version is None else {'version': version}
        spec = request.route_path(openapi.json_route, _query=query)
        # The route's pattern is '<docs>/{file}': strip the file part.
        assets = request.route_path(self.asset_route, file='x')[:-2]
        page = _SWAGGER_PAGE if self.ui == 'swagger-ui' else _REDOC_PAGE
        body = page.format(
            title=html.escape(openapi.info.title),
            assets=html.escape(assets),
            # NOTE: JSON in a script: '</' must not close the element.
            spec=json.dumps(spec).replace('</', '<\\/'),
            versions=_version_links(request, version),
        )
        response = Response(body=body.encode(), content_type='text/html')
        response.cache_control = 'no-cache'
        return response


class AssetView:
    """The files of a documentation UI, read once, with an ETag."""

    def __init__(self, folder: Path, names: tuple[str, ...]) -> None:
        self.folder = folder
        self.names = frozenset(names)
        self._cache: dict[str, tuple[bytes, str]] = {}

    def __call__(self, request: Any) -> Any:
        name = request.matchdict['file']
        if name not in self.names:
            raise HTTPNotFound()
        found = self._cache.get(name)
        if found is None:
            body = (self.folder / name).read_bytes()
            found = body, hashlib.sha256(body).hexdigest()[:32]
            self._cache[name] = found
        body, etag = found
        content_type = ASSET_TYPES[Path(name).suffix]
        response = _respond(request, body, etag, content_type)
        response.cache_control = f'public, max-age={ASSET_MAX_AGE}'
        return response
