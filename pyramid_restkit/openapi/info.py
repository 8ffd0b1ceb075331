"""What the settings say of the API and its document.

Its title, version, servers, security schemes, and the media types the
document describes.

Its own module because both sides need it: :mod:`.views` (which keeps it
in the ``IOpenAPI`` utility and serves the document) and the generator
(:mod:`.document`, which writes it into the document).  It imports
neither, so imports go one way: views -> info <- document.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any


class OpenAPIInfo(typing.NamedTuple):
    """What ``info``, ``servers`` and security say (from settings).

    ``media_types``: the names of the media types the document describes
    (``restkit.openapi.media_types``), ``None`` for all; ``challenges``:
    whether the security policy challenges (a 401 with
    ``WWW-Authenticate``, see :mod:`pyramid_restkit.auth`).
    """

    title: str = 'API'
    version: str = '0.1.0'
    description: str = ''
    servers: tuple[str, ...] = ()
    security_schemes: Mapping[str, Mapping[str, Any]] = {}
    media_types: tuple[str, ...] | None = None
    challenges: bool = False
