"""The ``@resource`` and ``@operation`` decorators.

``@resource`` is a venusian decorator in the shape of Pyramid's
``view_config``: it records where it was written and, when
``config.scan()`` finds the class, calls the ``add_resource`` directive by
name (this module never imports :mod:`pyramid_restkit.config`).
``@operation`` only annotates a method; ``add_resource`` reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import venusian
from pyramid.exceptions import ConfigurationError

T = TypeVar('T')

OPERATION_ATTR = '__restkit_operation__'


class resource:
    """Declare a resource class, registered by ``config.scan()``.

    Takes the keywords of ``config.add_resource``::

        @resource(collection_path='/posts', path='/posts/{id}',
                  schema=PostSchema)
        class Posts:
            def __init__(self, request, context=None):
                self.request = request

    .. versionadded:: 0.1
    """

    venusian = venusian  # for testing injection

    def __init__(self, **settings: Any) -> None:
        self.settings = settings
        self.depth = settings.pop('_depth', 0)

    def __call__(self, wrapped: type[T]) -> type[T]:
        settings = self.settings.copy()

        def callback(context: Any, name: str, ob: Any) -> None:
            config = context.config.with_package(info.module)
            try:
                add_resource = config.add_resource
            except AttributeError:
                raise ConfigurationError(
                    f'@resource on {ob.__module__}.{ob.__qualname__}: '
                    "config.include('pyramid_restkit') must come before "
                    'config.scan(), which registers the resources it finds'
                ) from None
            add_resource(ob, **settings)

        info = self.venusian.attach(
            wrapped, callback, category='pyramid', depth=self.depth + 1
        )
        settings['_info'] = info.codeinfo
        return wrapped


def operation(**options: Any) -> Callable[[T], T]:
    """Set options of one verb: ``status``, ``schema``, ``media_type``...

    Any ``add_resource`` option may be given, plus ``status`` (the success
    status) and ``media_type`` (force one response media type)::

        @operation(status=201)
        def collection_post(self): ...

    .. versionadded:: 0.1
    """

    def decorate(method: T) -> T:
        setattr(method, OPERATION_ATTR, dict(options))
        return method

    return decorate
