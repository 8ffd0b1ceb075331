"""The OpenAPI 3.1 document, built on demand from what serves requests.

Nothing on the request path imports this package: the document is built
the first time it is asked for (:func:`get_openapi`, the documentation
views, ``prestkit openapi``) and cached.
"""

from __future__ import annotations

from .views import get_openapi

__all__ = ['build_document', 'get_openapi']


def __getattr__(name: str) -> object:
    # NOTE: the generator is imported on first use, so that applications
    # that never serve the document do not load it.
    if name == 'build_document':
        from .document import build_document

        return build_document
    raise AttributeError(name)
