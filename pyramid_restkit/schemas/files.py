"""Uploaded files: the colander type :class:`File`.

A ``multipart/form-data`` body is parsed by the form media type
(:mod:`pyramid_restkit.formats.form`) into text fields and
:class:`~pyramid_restkit.formats.form.UploadedFile` objects.  A
:class:`File` node takes such an object and checks its size and media
type; every other node refuses it with "Expected text, got a file." (the
kit's text rules, :mod:`.rules`, ask :func:`refuses_file`), rather than
letting colander describe an object it cannot read.

Files are in memory: the whole body is, bounded by
``restkit.max_body_size`` (a larger body is a 413 before it is parsed),
so ``max_size`` is for a limit per field below that one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import colander

from ..errors import ResourceConfigurationError
from ..formats.form import UploadedFile

__all__ = ['File', 'UploadedFile', 'refuses_file']

#: What ``media_types`` may hold: ``type/subtype``, ``type/*`` or ``*/*``
#: (tokens of RFC 9110, lowercased, but for the ``*`` of a wildcard).
_TOKEN = r"[!#$%&'+.^_`|~0-9a-z-]+"
_MEDIA_RANGE = re.compile(rf'(?:{_TOKEN}/(?:{_TOKEN}|\*)|\*/\*)')
#: Longest content type quoted in a message.
_QUOTED = 60


class File(colander.SchemaType):  # type: ignore[misc]
    """A file uploaded as a part of a ``multipart/form-data`` body.

    The deserialized value is the
    :class:`~pyramid_restkit.formats.form.UploadedFile` itself: its
    ``filename`` (a safe base name, possibly ``''``), ``content_type``
    (the part's own, lowercased, without parameters), ``size`` (bytes)
    and ``file`` (a binary file object at position 0; ``read()`` reads
    it), as FastAPI's ``UploadFile``.  ``max_size`` is the largest size
    accepted, in bytes; ``media_types`` the content types accepted (one
    string or several; ``image/*`` takes any image), as the client
    declares them (nothing looks into the content).  Each failure is a
    validation error naming the limit or the types allowed::

        class Profile(colander.MappingSchema):
            avatar = colander.SchemaNode(
                File(max_size=2_000_000, media_types=('image/png',
                                                      'image/jpeg')))

    A file input a browser left empty (a part without a file name or
    content) is an absent value, so ``missing`` applies.  A ``Sequence``
    of ``File`` nodes takes every file of a repeated field.

    .. versionadded:: 0.1
    """

    def __init__(
        self,
        max_size: int | None = None,
        media_types: str | Iterable[str] | None = None,
    ) -> None:
        if max_size is not None and (
            not isinstance(max_size, int)
            or isinstance(max_size, bool)
            or max_size < 1
        ):
            raise ResourceConfigurationError(
                f'File(max_size=) takes a number of bytes over 0, not '
                f'{max_size!r}'
            )
        self.max_size = max_size
        self.media_types = _media_types(media_types)

    def __repr__(self) -> str:
        options = []
        if self.max_size is not None:
            options.append(f'max_size={self.max_size!r}')
        if self.media_types:
            options.append(f'media_types={self.media_types!r}')
        return f'File({", ".join(options)})'

    def serialize(self, node: Any, appstruct: Any) -> Any:
        return appstruct

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if cstruct is colander.null:
            return colander.null
        if not isinstance(cstruct, UploadedFile):
            if isinstance(cstruct, str):
                raise colander.Invalid(node, 'Expected a file, got text.')
            raise colander.Invalid(
                node, 'Expected a file (a part of a multipart/form-data body).'
            )
        if not cstruct.filename and not cstruct.size:
            # NOTE: what a browser sends for a file input left empty.
            return colander.null
        if self.max_size is not None and cstruct.size > self.max_size:
            raise colander.Invalid(
                node,
                f'The file is too large: {cstruct.size} bytes; the limit '
                f'is {self.max_size} bytes.',
            )
        if self.media_types and not _allowed(
            cstruct.content_type, self.media_types
        ):
            raise colander.Invalid(
                node,
                f'The file type {cstruct.content_type[:_QUOTED]!r} is not '
                f'allowed; allowed: {", ".join(self.media_types)}.',
            )
        return cstruct


def refuses_file(typ: Any, value: Any) -> bool:
    """Whether ``value`` is a file that a node of type ``typ`` cannot take.

    Only :class:`File` (and its subclasses) take uploaded files.
    """
    return isinstance(value, UploadedFile) and not isinstance(typ, File)


def _media_types(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    listed: list[Any]
    if isinstance(value, str):
        listed = [value]
    else:
        try:
            listed = list(value)
        except TypeError:  # not iterable: refused below
            listed = [value]
    result: list[str] = []
    for item in listed:
        normal = item.strip().lower() if isinstance(item, str) else None
        if normal is None or not _MEDIA_RANGE.fullmatch(normal):
            raise ResourceConfigurationError(
                f'File(media_types=) takes media types such as '
                f"'image/png' or 'image/*', not {item!r} (in {value!r})"
            )
        if normal not in result:
            result.append(normal)
    return tuple(result)


def _allowed(content_type: str, allowed: tuple[str, ...]) -> bool:
    main = content_type.partition('/')[0] + '/*'
    return any(media in (content_type, main, '*/*') for media in allowed)
