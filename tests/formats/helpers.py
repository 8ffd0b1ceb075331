"""What the tests of the formats share: settings, checks, sample types.

Parsers are a security boundary (API.md, "HTTP policy"): malformed or
hostile input must be a :class:`ParseError` (a 400), never a 500, whose
message quotes at most a short excerpt of the input (:func:`parse_error`
checks both).  Renderers follow one set of rules for other types: the
classes below exercise them in each format.
"""

from __future__ import annotations

import enum
from typing import Any

import pytest
from hypothesis import settings
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.media import ParseOptions, Parser

#: Fixed seeds and no example database: runs are reproducible and leave no
#: .hypothesis directory behind.
PROPERTY = settings(database=None, deadline=None, derandomize=True)

#: The longest run of input characters an error message may repeat.
MAX_ECHO = 40


def parse_error(
    parser: Parser, body: bytes | str, options: ParseOptions
) -> str:
    """Parse ``body``, expect a ParseError and return its detail.

    A str ``body`` is sent as UTF-8.  Also checks that the detail does not
    echo more than ``MAX_ECHO`` characters of the input.
    """
    data = body.encode('utf-8') if isinstance(body, str) else body
    with pytest.raises(ParseError) as info:
        parser(data, options)
    error = info.value
    assert error.code == 400
    detail = error.detail
    assert isinstance(detail, str) and detail
    text = body if isinstance(body, str) else body.decode('utf-8', 'replace')
    for start in range(len(detail) - MAX_ECHO):
        assert detail[start : start + MAX_ECHO + 1] not in text, detail
    return detail


# -- values for the renderers' rules ------------------------------------------


class Post:
    """Rendered through ``__json__``, which sees the request."""

    def __init__(self, title: str) -> None:
        self.title = title

    def __json__(self, request: Request) -> Any:
        return {'title': self.title, 'path': request.path}


class Point:
    """Rendered only once an adapter is added."""

    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class Point3D(Point):
    def __init__(self, x: int, y: int, z: int) -> None:
        super().__init__(x, y)
        self.z = z


class Labelled(Point):
    def __json__(self, request: Request) -> Any:
        return 'from __json__'


class Colour(enum.Enum):
    RED = 'red'


class Size(enum.IntEnum):
    BIG = 3


class Tag(str):
    pass


class Ratio(float):
    pass
