"""The media type registry: one entry per format, renderer and parser.

A :class:`MediaType` pairs a name (``json``) with the wire media type it
renders (``application/json``), the content types its parser accepts, the
URL suffixes that select it, and the two callables.  The registry is a
registry utility (:class:`~pyramid_restkit.interfaces.IMediaTypes`) filled
by ``config.add_media_type`` at ``PHASE1_CONFIG``, before any resource is
finalized, and only read at request time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .errors import ResourceConfigurationError


@dataclass(frozen=True)
class ParseOptions:
    """What a parser may need besides the body bytes."""

    max_depth: int
    #: The ``charset`` parameter of the Content-Type, lowercased, if any.
    charset: str | None = None
    #: The request, for parsers that read more than the body (forms).
    request: Any = None
    #: The whole Content-Type header (a multipart boundary lives there).
    content_type: str = ''
    #: At most this many fields in a form body.
    max_fields: int = 1000


#: Built-in formats that need an optional extra, and how to get it.
EXTRAS = {'msgpack': 'pip install pyramid_restkit[msgpack]'}


def with_charset(media_type: str) -> str:
    """Add ``charset=utf-8`` to ``text/*`` types, whose default is ASCII."""
    if media_type.startswith('text/') and ';' not in media_type:
        return media_type + '; charset=utf-8'
    return media_type


class Renderer(Protocol):
    """Turns a value into the bytes of a response body.

    ``options`` are the operation's ``media_options`` for this media type
    (for example ``{'root': 'post'}`` for XML); renderers ignore what they
    do not know.  A renderer may also define ``dumps_problem(value,
    request)`` to render RFC 9457 problem details in its own convention.
    """

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes: ...


#: ``parser(body, options)`` returns the parsed value or raises
#: :class:`~pyramid_restkit.errors.ParseError`, never anything else.
Parser = Callable[[bytes, ParseOptions], Any]


@dataclass(frozen=True)
class MediaType:
    """One registered format.

    ``typed`` says the parser yields typed values (numbers, booleans) that
    schemas must not coerce; text formats (forms, XML) leave it False.
    ``charsets`` are the only charsets the parser accepts (empty: any).
    ``problem_type`` is the Content-Type of problem details in this family
    (``application/problem+xml``); ``None`` falls back to JSON.
    ``parse_opt_in``: the parser serves only operations that list the type
    in their own ``media_types`` (``text/plain``, a CORS-safelisted type).
    ``default_enabled``: enabled when ``restkit.media_types`` is not set,
    and, for the application's own types (not ``builtin``), appended to the
    order that setting gives when it does not place them.
    """

    name: str
    media_type: str
    renderer: Renderer | None = None
    parser: Parser | None = None
    input_types: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    typed: bool = True
    charsets: frozenset[str] = frozenset()
    problem_type: str | None = None
    parse_opt_in: bool = False
    default_enabled: bool = True
    #: Other media types that select this one in ``Accept``
    #: (``application/jsonl`` for NDJSON); responses keep ``media_type``.
    aliases: tuple[str, ...] = ()
    #: Registered by the kit itself (``config/media_types.py``).
    builtin: bool = False
    #: The Content-Type header of a response in this format (computed).
    content_type: str = field(init=False, default='')

    def __post_init__(self) -> None:
        object.__setattr__(self, 'content_type', with_charset(self.media_type))


@dataclass
class MediaTypes:
    """All registered media types, by name, content type and suffix."""

    by_name: dict[str, MediaType] = field(default_factory=dict)
    #: Enabled names in server preference order (set at commit).
    enabled: tuple[str, ...] = ()
    default: str = 'json'
    #: URL suffix -> name, of the enabled types (set at commit).
    suffixes: dict[str, str] = field(default_factory=dict)

    def add(self, media: MediaType) -> None:
        self.by_name[media.name] = media

    def remove(self, name: str) -> None:
        self.by_name.pop(name, None)

    def get(self, name: str) -> MediaType:
        try:
            return self.by_name[name]
        except KeyError:
            hint = EXTRAS.get(name)
            raise ResourceConfigurationError(
                f'unknown media type {name!r}; registered: '
                f'{", ".join(sorted(self.by_name)) or "none"}'
                + (f' (for {name}: {hint})' if hint else '')
            ) from None

    def enable(self, names: Iterable[str] | None, default: str) -> None:
        """Fix the enabled types and the default (called once, at commit)."""
        if names is None:
            chosen = tuple(
                name
                for name, media in self.by_name.items()
                if media.default_enabled
            )
        else:
            # NOTE: API.md: add_media_type registers *and enables* a type,
            # appended unless restkit.media_types places it; the setting
            # chooses among the kit's built-ins.
            listed = tuple(self.get(name).name for name in names)
            chosen = listed + tuple(
                name
                for name, media in self.by_name.items()
                if not media.builtin
                and media.default_enabled
                and name not in listed
            )
        self.get(default)
        if default not in chosen:
            raise ResourceConfigurationError(
                f'restkit.default_media_type {default!r} is not among the '
                f'enabled media types ({", ".join(chosen)})'
            )
        self.enabled = chosen
        self.default = default
        self.suffixes = {
            suffix: name
            for name in chosen
            for suffix in self.by_name[name].suffixes
        }

    def parsers(
        self, names: Iterable[str], explicit: bool
    ) -> dict[str, MediaType]:
        """Map each input content type of ``names`` to its media type.

        ``explicit``: the operation listed ``names`` itself, which opts in
        to the parsers that need it.
        """
        table: dict[str, MediaType] = {}
        for name in names:
            media = self.by_name[name]
            if media.parse_opt_in and not explicit:
                continue
            if media.parser is not None:
                for content_type in media.input_types:
                    table.setdefault(content_type, media)
        return table
