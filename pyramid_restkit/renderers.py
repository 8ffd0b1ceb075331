"""Pyramid renderer factories for the registered media types.

Each media type with a renderer is also the Pyramid renderer
``restkit.<name>``, so a plain ``@view_config(renderer='restkit.json')``
view renders exactly as a resource does.

NOTE: Pyramid looks a renderer name containing a dot up by its extension
(``restkit.json`` -> ``.json``, as for templates), so the factory is
registered for the extension ``.<name>`` and answers only the full name
``restkit.<name>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .media import MediaType


def renderer_name(name: str) -> str:
    """The Pyramid renderer name of the media type ``name``."""
    return f'restkit.{name}'


def renderer_extension(name: str) -> str:
    """What Pyramid looks :func:`renderer_name` up by."""
    return f'.{name}'


class MediaRendererFactory:
    """A renderer factory (``pyramid.interfaces.IRendererFactory``)."""

    def __init__(self, media: MediaType) -> None:
        self.media = media

    def __call__(self, info: Any) -> Callable[[Any, dict[str, Any]], bytes]:
        media = self.media
        renderer = media.renderer
        if info.name != renderer_name(media.name) or renderer is None:
            raise ValueError(
                f'No such renderer {info.name!r}; did you mean '
                f'{renderer_name(media.name)!r}?'
            )

        def render(value: Any, system: dict[str, Any]) -> bytes:
            request = system.get('request')
            if request is not None:
                response = request.response
                if response.content_type == response.default_content_type:
                    response.content_type = media.content_type
                    response.charset = None
            return renderer.dumps(value, request)

        return render
