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
from ..interfaces import IOpenAPI
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
        #: (key, converter) pairs of add_json_schema_type/_validator.
        self.converters: dict[str, list[tuple[Any, Any]]] = {
            'types': [],
            'validators': [],
        }
        self.json_route: str | None = None
        self._lock = threading.Lock()
        self._document: dict[str, Any] | None = None
        self._bytes: dict[str, tuple[bytes, str]] = {}

    def document(self, registry: Any) -> dict[str, Any]:
        """The document of ``registry``, built on the first call."""
        document = self._document
        if document is None:
            with self._lock:
                if self._document is None:
                    info = self.info._replace(
                        security_schemes=dict(self.security_schemes)
                    )
                    # NOTE: imported here: applications that never serve
                    # the document do not load the generator.
                    from .document import build_document

                    self._document = build_document(
                        registry, info, self.converters
                    )
                document = self._document
        return document

    def serialized(self, registry: Any, fmt: str) -> tuple[bytes, str]:
        """The document as ``json`` or ``yaml`` bytes, and their ETag."""
        found = self._bytes.get(fmt)
        if found is None:
            document = self.document(registry)
            if fmt == 'json':
                body = json.dumps(document, indent=2).encode()
            else:
                body = YAMLRenderer().dumps(document, None)
            found = body, hashlib.sha256(body).hexdigest()[:32]
            self._bytes[fmt] = found
        return found


def get_openapi(registry: Any) -> dict[str, Any]:
    """Return the OpenAPI document of an application's ``registry``.

    Example, in a test or a script::

        document = get_openapi(app.registry)

    .. versionadded:: 0.1
    """
    openapi: OpenAPI = registry.getUtility(IOpenAPI)
    return openapi.document(registry)


def _respond(request: Any, body: bytes, etag: str, content_type: str) -> Any:
    response = Response(
        body=body, content_type=content_type, charset=None, etag=etag
    )
    response.cache_control = 'no-cache'
    # NOTE: WebOb answers If-None-Match with a 304 (and HEAD bodyless).
    response.conditional_response = True
    return response


def openapi_json_view(request: Any) -> Any:
    """``GET /openapi.json``."""
    openapi: OpenAPI = request.registry.getUtility(IOpenAPI)
    body, etag = openapi.serialized(request.registry, 'json')
    return _respond(request, body, etag, 'application/json')


def openapi_yaml_view(request: Any) -> Any:
    """``GET /openapi.yaml``."""
    openapi: OpenAPI = request.registry.getUtility(IOpenAPI)
    body, etag = openapi.serialized(request.registry, 'yaml')
    return _respond(request, body, etag, 'application/yaml')


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
<div id="docs"></div>
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
<div id="docs"></div>
<script src="{assets}/redoc.standalone.js"></script>
<script>
window.addEventListener('load', function () {{
  Redoc.init({spec}, {{}}, document.getElementById('docs'));
}});
</script>
</body>
</html>
"""


class DocsView:
    """The documentation page (``GET /docs``) of one UI."""

    def __init__(self, ui: str, asset_route: str) -> None:
        self.ui = ui
        self.asset_route = asset_route

    def __call__(self, request: Any) -> Any:
        openapi: OpenAPI = request.registry.getUtility(IOpenAPI)
        spec = request.route_path(openapi.json_route)
        # The route's pattern is '<docs>/{file}': strip the file part.
        assets = request.route_path(self.asset_route, file='x')[:-2]
        page = _SWAGGER_PAGE if self.ui == 'swagger-ui' else _REDOC_PAGE
        body = page.format(
            title=html.escape(openapi.info.title),
            assets=html.escape(assets),
            # NOTE: JSON in a script: '</' must not close the element.
            spec=json.dumps(spec).replace('</', '<\\/'),
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
