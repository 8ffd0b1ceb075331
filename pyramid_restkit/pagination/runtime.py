"""What a ``collection_get`` with pagination or ``ordering`` runs per
request: the parameters (``request.pagination``, ``request.ordering``),
the page of what the method returned, the envelope and the ``Link``
header.

Built at commit (:mod:`pyramid_restkit.config.operations`) only for the
operations that have those options; the others pay nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from ..formats.csv import CSVRenderer
from ..media import MediaType
from ..settings import Settings
from ..views import Operation
from . import (
    Page,
    Pagination,
    PaginationParameters,
    bad_parameter,
    query_value,
)
from .sequence import item_keys, source_for
from .sources import Ordering

#: ``request.pagination`` of an operation without pagination.
NO_ORDERING: Ordering = ()


class Envelope:
    """A page on its way to the renderer: ``items`` (before the output
    schema), the other members of the body and the ``Link`` header."""

    __slots__ = ('items', 'links', 'members')

    def __init__(
        self, items: Any, members: dict[str, Any], links: list[str]
    ) -> None:
        self.items = items
        self.members = members
        self.links = links


class Collection:
    """The pagination and ordering of one ``collection_get``."""

    def __init__(
        self,
        pagination: Pagination | None,
        count: bool,
        ordering: tuple[str, ...] | None,
        settings: Settings,
    ) -> None:
        self.pagination = pagination
        self.count = count or bool(pagination and pagination.count)
        self.ordering = ordering
        self.settings = settings

    def prepare(self, request: Any) -> None:
        """Parse the parameters into ``request.ordering`` and
        ``request.pagination`` (a 400 naming a malformed one)."""
        request.ordering = self.sort(request)
        pagination = self.pagination
        request.pagination = (
            None
            if pagination is None
            else pagination.parse(request, self.settings)
        )

    def sort(self, request: Any) -> Ordering:
        raw = query_value(request, 'sort')
        if raw is None:
            return NO_ORDERING
        allowed = self.ordering or ()
        ordering = []
        for key in raw.split(','):
            name = key[1:] if key.startswith('-') else key
            if name not in allowed:
                known = ', '.join(allowed) or 'none'
                raise bad_parameter(
                    'sort',
                    f'sort: {name[:40]!r} is not a sort key (expected '
                    f'{known}, - for descending).',
                )
            ordering.append((name, name != key))
        return tuple(ordering)

    def envelope(self, request: Any, result: Any) -> Any:
        """The page of ``result`` (``Page``, sequence or select) as an
        :class:`Envelope`; without pagination, the items sorted."""
        pagination = self.pagination
        if isinstance(result, Page):
            return self._given(request, result)
        source = source_for(
            result, request, self.settings.sqlalchemy_session
        ).ordered(request.ordering)
        if pagination is None:
            return source.slice(0, source.count())
        params: PaginationParameters = request.pagination
        total = source.count() if self.count else None
        items, more = pagination.window(source, params, total)
        ordering = getattr(pagination, 'ordering', None) or request.ordering
        links = pagination.links(
            params, items, total, more, lambda i: source.keys(i, ordering)
        )
        return self._envelope(request, items, total, links)

    def _given(self, request: Any, page: Page) -> Envelope:
        pagination = self.pagination
        items = list(page.items)
        total = page.total
        links: dict[str, Any] = {}
        if pagination is not None:
            params: PaginationParameters = request.pagination
            ordering = getattr(pagination, 'ordering', None) or ()
            links = pagination.links(
                params,
                items,
                total,
                _more(params, items, total),
                lambda item: item_keys(item, ordering),
            )
        for name in ('next', 'prev'):
            given = getattr(page, name)
            if given is False:
                links[name] = None
            elif isinstance(given, str):
                links[name] = given
        return self._envelope(request, items, total, links)

    def _envelope(
        self,
        request: Any,
        items: Sequence[Any],
        total: int | None,
        links: Mapping[str, Any],
    ) -> Envelope:
        urls = {
            name: value
            if value is None or isinstance(value, str)
            else self.url(request, value)
            for name, value in links.items()
        }
        members: dict[str, Any] = {}
        if total is not None:
            members['total'] = total
        members['next'] = urls.get('next')
        members['prev'] = urls.get('prev')
        header = [
            f'<{url}>; rel="{name}"'
            for name in ('next', 'prev', 'first', 'last')
            if (url := urls.get(name)) is not None
        ]
        return Envelope(items, members, header)

    def url(self, request: Any, params: Mapping[str, str | None]) -> str:
        """The absolute request URL with only the pagination parameters
        changed (to ``params``; ``None``: left out)."""
        style: Pagination = self.pagination  # type: ignore[assignment]
        names = {*style.parameters, *params}
        query = [(k, v) for k, v in request.GET.items() if k not in names]
        query.extend((k, v) for k, v in params.items() if v is not None)
        url: str = request.path_url
        return f'{url}?{urlencode(query)}' if query else url


def _more(
    params: PaginationParameters, items: Sequence[Any], total: int | None
) -> bool:
    """Whether items follow a page a resource built itself: by the total
    when it gave one, else a full page has a next."""
    size = params.get('limit', params.get('page_size'))
    if total is not None and ('offset' in params or 'page' in params):
        start = params.get('offset')
        if start is None:
            start = (params.page - 1) * params.page_size
        return bool(start + len(items) < total)
    return size is not None and len(items) >= size


class CollectionOperation(Operation):
    """A ``collection_get`` with pagination or ``ordering``."""

    collection: Collection

    def _instance(self, context: Any, request: Any) -> Any:
        # NOTE: before the method runs (it may read request.pagination)
        # and in both paths of __call__ (plain and conditional).
        self.collection.prepare(request)
        return super()._instance(context, request)

    def respond(
        self, request: Any, media: MediaType, result: Any, vary: bool = False
    ) -> Any:
        if not (
            isinstance(result, Page)
            or isinstance(result, Sequence)
            and not isinstance(result, (str, bytes))
            or type(result).__module__.startswith('sqlalchemy')
        ):
            return super().respond(request, media, result, vary)
        result = self.collection.envelope(request, result)
        response = super().respond(request, media, result, vary)
        if isinstance(result, Envelope) and result.links:
            response.headers['Link'] = ', '.join(result.links)
        return response

    def _render(self, request: Any, media: MediaType, result: Any) -> bytes:
        if not isinstance(result, Envelope):
            return super()._render(request, media, result)
        items = result.items
        if isinstance(media.renderer, CSVRenderer):
            # Row formats: the items alone; the Link header paginates.
            return super()._render(request, media, items)
        if self.output is not None:
            items = self.output(items)
        body = {'items': items, **result.members}
        renderer = media.renderer
        options = self.media_options.get(media.name)
        return renderer.dumps(body, request, **(options or {}))  # type: ignore[union-attr]
