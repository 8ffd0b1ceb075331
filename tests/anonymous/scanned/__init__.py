"""A resource and its anonymous class, declared with ``@resource``."""

from __future__ import annotations

from typing import Any

from pyramid_restkit import resource


class PublicScanned:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'anonymous': True}


@resource(path='/scanned/{id}', anonymous=PublicScanned)
class Scanned:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {'anonymous': False}
