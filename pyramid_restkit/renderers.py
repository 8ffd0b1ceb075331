"""Pyramid renderer factories for the registered media types.

Each media type with a renderer is also the Pyramid renderer
``restkit.<name>``, so a plain ``@view_config(renderer='restkit.json')``
view renders exactly as a resource does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .media import MediaType


class MediaRendererFactory:
    """A renderer factory (``pyramid.interfaces.IRendererFactory``)."""

    def __init__(self, media: MediaType) -> None:
        self.media = media

    def __call__(self, info: Any) -> Callable[[Any, dict[str, Any]], bytes]:
        media = self.media
        renderer = media.renderer
        assert renderer is not None

        def render(value: Any, system: dict[str, Any]) -> bytes:
            request = system.get('request')
            if request is not None:
                response = request.response
                if response.content_type == response.default_content_type:
                    response.content_type = media.content_type
                    response.charset = None
            return renderer.dumps(value, request)

        return render
