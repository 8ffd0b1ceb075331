"""The OpenAPI 3.1 document, built on demand from what serves requests.

Nothing on the request path imports this package: the document is built
the first time it is asked for (:func:`get_openapi`, the documentation
views, ``prestkit openapi``) and cached.

The modules, by when they are imported: :mod:`.config` (the directives
and setup, at include time), :mod:`.views` (serving the document and the
docs page) and :mod:`.info` (what the settings say of the API); then, on
the first build only, the generator: :mod:`.document` (assembling it),
:mod:`.paths`, :mod:`.operations`, :mod:`.responses`, :mod:`.variants`,
:mod:`.read_only` and :mod:`.components`, and the colander to JSON
Schema converter, :mod:`.jsonschema` (with :mod:`.jsonschema_types`,
:mod:`.jsonschema_validators`, :mod:`.jsonschema_base` and :mod:`.ecma`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .views import get_openapi

if TYPE_CHECKING:
    from .document import build_document

__all__ = ['build_document', 'get_openapi']


def __getattr__(name: str) -> object:
    # NOTE: the generator is imported on first use, so that applications
    # that never serve the document do not load it.
    if name == 'build_document':
        from .document import build_document

        return build_document
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
