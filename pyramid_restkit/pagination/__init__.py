"""Pagination styles, the ``Page`` a resource may build itself, and the
parameters a request carries (``request.pagination``).

``pagination='page'``, ``'offset'`` or ``'cursor'`` on a resource (or its
``collection_get``) is an instance of :class:`PageNumberPagination`,
:class:`LimitOffsetPagination` or :class:`CursorPagination` with the
default sizes of the settings; an instance gives its own.  A custom style
subclasses :class:`Pagination` and implements :meth:`Pagination.parse`
and :meth:`Pagination.window`.
"""

from __future__ import annotations

import abc
import dataclasses
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from ..errors import ResourceConfigurationError, ValidationFailure
from ..settings import Settings
from .sources import Ordering, Source

__all__ = [
    'CursorPagination',
    'LimitOffsetPagination',
    'Page',
    'PageNumberPagination',
    'Pagination',
    'PaginationParameters',
    'parse_ordering',
]

#: Every query parameter the collection features read: never part of
#: querystring validation, like ``format`` (API.md), on any operation.
COLLECTION_PARAMS = frozenset(
    {'page', 'page_size', 'limit', 'offset', 'cursor', 'sort', 'fields'}
)
#: More digits than this is out of range (a SQL bigint holds 18).
_MAX_DIGITS = 18


@dataclasses.dataclass
class Page:
    """A page a resource built itself from ``request.pagination``.

    ``total``: sent when given.  ``next``/``prev``: URLs; ``None`` lets
    the kit compute them (without a total, a full page has a ``next``);
    ``False`` says there is none.
    """

    items: Sequence[Any]
    total: int | None = None
    next: str | bool | None = None
    prev: str | bool | None = None


class PaginationParameters(Mapping[str, Any]):
    """The decoded, validated pagination parameters of a request.

    Both an object (``request.pagination.limit``) and a read-only mapping
    (``request.pagination['limit']``, ``dict(request.pagination)``).
    """

    def __init__(self, **values: Any) -> None:
        object.__setattr__(self, '_values', values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError('request.pagination is read-only')

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f'PaginationParameters({self._values!r})'


def bad_parameter(name: str, description: str) -> ValidationFailure:
    """The 400 of a pagination, ``sort`` or ``fields`` parameter."""
    return ValidationFailure(
        [{'location': 'querystring', 'name': name, 'description': description}]
    )


def query_value(request: Any, name: str) -> str | None:
    """The one value of ``?name=`` (an empty value is an absent one);
    a repeated parameter is a 400."""
    values = request.GET.getall(name)
    if len(values) > 1:
        raise bad_parameter(name, f'{name} is given more than once.')
    return values[0] if values and values[0] else None


def int_parameter(
    request: Any,
    name: str,
    default: int,
    minimum: int,
    maximum: int | None = None,
) -> int:
    """``?name=`` as a whole number in ``[minimum, maximum]``."""
    raw = query_value(request, name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise bad_parameter(name, f'{name} must be a whole number.')
    if len(raw) > _MAX_DIGITS:
        raise bad_parameter(name, f'{name} is out of range.')
    value = int(raw)
    if value < minimum or (maximum is not None and value > maximum):
        upper = '' if maximum is None else f' and at most {maximum}'
        raise bad_parameter(name, f'{name} must be at least {minimum}{upper}.')
    return value


def parse_ordering(keys: Sequence[str] | str, what: str) -> Ordering:
    """``('-created_at', 'id')`` as ``(('created_at', True), ('id',
    False))``; a configuration error unless non-empty names."""
    if isinstance(keys, str):
        keys = keys.replace(',', ' ').split()
    if not isinstance(keys, Sequence) or not keys:
        raise ResourceConfigurationError(
            f'{what} must be a non-empty list of keys, not {keys!r}'
        )
    ordering = []
    for key in keys:
        name = key[1:] if isinstance(key, str) and key[:1] == '-' else key
        if not isinstance(name, str) or not name.isidentifier():
            raise ResourceConfigurationError(
                f'{what}: {key!r} is not a key (a name, - for descending)'
            )
        ordering.append((name, name != key))
    return tuple(ordering)


def _size(value: Any, what: str) -> int | None:
    if value is not None and (type(value) is not int or value < 1):
        raise ResourceConfigurationError(
            f'{what} must be a positive whole number, not {value!r}'
        )
    return value


class Pagination(abc.ABC):
    """A pagination style: base of the built-in ones and of custom ones.

    ``default_size`` and ``max_size`` (``None``: the settings
    ``restkit.pagination.default_size`` and ``.max_size``), and ``count``
    (the body carries the ``total``).  Subclasses name their ``style`` and
    the query ``parameters`` they read (the first is the position, the
    last the size), and implement :meth:`parse` and :meth:`window`.
    """

    #: The name of the style (``pagination='<style>'``).
    style: ClassVar[str] = ''
    #: The query parameters the style reads.
    parameters: ClassVar[tuple[str, ...]] = ()
    #: The query parameter of the page size.
    size_parameter: ClassVar[str] = 'limit'

    def __init__(
        self,
        *,
        default_size: int | None = None,
        max_size: int | None = None,
        count: bool = False,
    ) -> None:
        name = type(self).__name__
        self.default_size = _size(default_size, f'{name}(default_size=)')
        self.max_size = _size(max_size, f'{name}(max_size=)')
        if not isinstance(count, bool):
            raise ResourceConfigurationError(
                f'{name}(count=) must be True or False, not {count!r}'
            )
        self.count = count
        if (
            default_size is not None
            and max_size is not None
            and default_size > max_size
        ):
            raise ResourceConfigurationError(
                f'{name}: default_size ({default_size}) is over max_size '
                f'({max_size})'
            )

    def __repr__(self) -> str:
        return (
            f'{type(self).__name__}(default_size={self.default_size!r}, '
            f'max_size={self.max_size!r}, count={self.count!r})'
        )

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._key() == other._key()

    def _key(self) -> tuple[Any, ...]:
        return (self.default_size, self.max_size, self.count)

    def __hash__(self) -> int:
        return hash((type(self), self._key()))

    def sizes(self, settings: Settings) -> tuple[int, int]:
        """The default and maximum page sizes, the settings' when not
        given (a default over the maximum is the maximum)."""
        top = self.max_size or settings.pagination_max_size
        default = self.default_size or settings.pagination_default_size
        return min(default, top), top

    def check(self, settings: Settings, where: str) -> None:
        """At commit: refuse what the settings cannot serve (nothing
        here; the cursor needs ``restkit.secret``)."""
        return

    @abc.abstractmethod
    def parse(self, request: Any, settings: Settings) -> PaginationParameters:
        """The request's parameters (a 400 :func:`bad_parameter` when
        malformed); :meth:`sizes` gives the page sizes in force."""

    @abc.abstractmethod
    def window(
        self,
        source: Source,
        params: PaginationParameters,
        total: int | None,
    ) -> tuple[list[Any], bool]:
        """The items of the page from ``source`` and whether more follow
        (``total``: the count, when counted)."""

    @abc.abstractmethod
    def links(
        self,
        params: PaginationParameters,
        items: Sequence[Any],
        total: int | None,
        more: bool,
        keys: Callable[[Any], tuple[Any, ...]],
    ) -> dict[str, dict[str, str | None] | None]:
        """The pagination parameters of the ``next``, ``prev``, ``first``
        and ``last`` links (a value ``None``: no such link; a parameter
        ``None``: left out of the URL).  ``more``: items follow the page
        in the direction walked; ``keys``: an item's ordering values."""


class PageNumberPagination(Pagination):
    """``?page=`` (from 1) and ``?page_size=``."""

    style = 'page'
    parameters = ('page', 'page_size')
    size_parameter = 'page_size'

    def parse(self, request: Any, settings: Settings) -> PaginationParameters:
        default, maximum = self.sizes(settings)
        page = int_parameter(request, 'page', 1, 1)
        size = int_parameter(request, 'page_size', default, 1, maximum)
        return PaginationParameters(page=page, page_size=size)

    def window(
        self,
        source: Source,
        params: PaginationParameters,
        total: int | None,
    ) -> tuple[list[Any], bool]:
        size = params.page_size
        items = source.slice((params.page - 1) * size, size + 1)
        return items[:size], len(items) > size

    def links(
        self,
        params: PaginationParameters,
        items: Sequence[Any],
        total: int | None,
        more: bool,
        keys: Callable[[Any], tuple[Any, ...]],
    ) -> dict[str, dict[str, str | None] | None]:
        page, size = params.page, params.page_size

        def at(number: int) -> dict[str, str | None]:
            return {'page': str(number), 'page_size': str(size)}

        return {
            'next': at(page + 1) if more else None,
            'prev': at(page - 1) if page > 1 else None,
            'first': at(1),
            'last': None
            if total is None
            else at(max(1, math.ceil(total / size))),
        }


class LimitOffsetPagination(Pagination):
    """``?limit=`` and ``?offset=`` (from 0)."""

    style = 'offset'
    parameters = ('offset', 'limit')

    def parse(self, request: Any, settings: Settings) -> PaginationParameters:
        default, maximum = self.sizes(settings)
        limit = int_parameter(request, 'limit', default, 1, maximum)
        offset = int_parameter(request, 'offset', 0, 0)
        return PaginationParameters(limit=limit, offset=offset)

    def window(
        self,
        source: Source,
        params: PaginationParameters,
        total: int | None,
    ) -> tuple[list[Any], bool]:
        limit = params.limit
        items = source.slice(params.offset, limit + 1)
        return items[:limit], len(items) > limit

    def links(
        self,
        params: PaginationParameters,
        items: Sequence[Any],
        total: int | None,
        more: bool,
        keys: Callable[[Any], tuple[Any, ...]],
    ) -> dict[str, dict[str, str | None] | None]:
        limit, offset = params.limit, params.offset

        def at(number: int) -> dict[str, str | None]:
            return {'limit': str(limit), 'offset': str(number)}

        return {
            'next': at(offset + limit) if more else None,
            'prev': at(max(0, offset - limit)) if offset > 0 else None,
            'first': at(0),
            'last': None
            if total is None
            else at(max(0, (total - 1) // limit * limit)),
        }


from .cursors import CursorPagination  # noqa: E402 (it subclasses Pagination)

#: The built-in styles, by name.
STYLES: dict[str, type[Pagination]] = {
    'page': PageNumberPagination,
    'offset': LimitOffsetPagination,
    'cursor': CursorPagination,
}


def from_mapping(value: Mapping[str, Any], what: str) -> Pagination:
    """A style from YAML's mapping: ``style`` (``page``, ``offset`` or
    ``cursor``) and the keywords of its class (``default_size``,
    ``max_size``, ``count``; ``ordering`` for the cursor)."""
    keywords = dict(value)
    style = keywords.pop('style', None)
    if style not in STYLES:
        raise ResourceConfigurationError(
            f"{what}.style must be 'page', 'offset' or 'cursor', not {style!r}"
        )
    cls: Any = STYLES[style]
    allowed = {'default_size', 'max_size', 'count'}
    if cls is CursorPagination:
        allowed.add('ordering')
    unknown = sorted(set(keywords) - allowed)
    if unknown:
        raise ResourceConfigurationError(
            f'{what}: unknown key(s) {", ".join(unknown)} of the {style} '
            f'style; expected {", ".join(sorted(allowed))}'
        )
    return cls(**keywords)  # type: ignore[no-any-return]


def style_of(value: Any, what: str) -> Pagination | None:
    """The ``pagination`` option's value, normalized to an instance."""
    if value is None or isinstance(value, Pagination):
        return value
    if isinstance(value, str) and value in STYLES:
        return STYLES[value]()
    raise ResourceConfigurationError(
        f"{what} must be 'page', 'offset', 'cursor' or a Pagination "
        f'instance, not {value!r}'
    )
