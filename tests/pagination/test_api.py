"""The pagination API: the style classes, Page, the options and YAML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.config import Configurator

import pyramid_restkit
from pyramid_restkit import (
    CursorPagination,
    LimitOffsetPagination,
    Page,
    PageNumberPagination,
    Pagination,
)
from pyramid_restkit.config.options import Options
from pyramid_restkit.errors import ResourceConfigurationError
from pyramid_restkit.pagination import (
    PaginationParameters,
    from_mapping,
    parse_ordering,
)


def test_exported() -> None:
    for name in (
        'Pagination',
        'PageNumberPagination',
        'LimitOffsetPagination',
        'CursorPagination',
        'Page',
    ):
        assert name in pyramid_restkit.__all__
    assert issubclass(CursorPagination, Pagination)


def test_attributes_for_documentation() -> None:
    page = PageNumberPagination(default_size=5, max_size=10, count=True)
    assert (page.style, page.parameters) == ('page', ('page', 'page_size'))
    assert page.size_parameter == 'page_size'
    assert (page.default_size, page.max_size, page.count) == (5, 10, True)
    offset = LimitOffsetPagination()
    assert (offset.style, offset.parameters) == ('offset', ('offset', 'limit'))
    assert (offset.default_size, offset.max_size, offset.count) == (
        None,
        None,
        False,
    )
    cursor = CursorPagination(ordering=('-created_at', 'id'))
    assert (cursor.style, cursor.parameters) == ('cursor', ('cursor', 'limit'))
    assert cursor.ordering == (('created_at', True), ('id', False))
    assert repr(cursor) == (
        'CursorPagination(default_size=None, max_size=None, count=False, '
        "ordering=('-created_at', 'id'))"
    )
    assert CursorPagination().ordering is None


def test_equality() -> None:
    assert PageNumberPagination(max_size=3) == PageNumberPagination(max_size=3)
    assert PageNumberPagination() != LimitOffsetPagination()
    assert CursorPagination(ordering=['id']) != CursorPagination(
        ordering=['-id']
    )
    assert hash(LimitOffsetPagination(count=True)) == hash(
        LimitOffsetPagination(count=True)
    )


@pytest.mark.parametrize(
    ('keywords', 'message'),
    [
        ({'default_size': 0}, 'default_size'),
        ({'max_size': -1}, 'max_size'),
        ({'max_size': True}, 'max_size'),
        ({'default_size': '5'}, 'default_size'),
        ({'count': 1}, 'count'),
        ({'default_size': 20, 'max_size': 10}, 'over max_size'),
    ],
)
def test_bad_keywords(keywords: dict[str, Any], message: str) -> None:
    with pytest.raises(ResourceConfigurationError, match=message):
        LimitOffsetPagination(**keywords)


@pytest.mark.parametrize(
    'ordering', [(), 'a b', ['-'], [''], [3], ['a.b'], 'x', None]
)
def test_parse_ordering(ordering: Any) -> None:
    if ordering in ('a b', 'x'):
        assert parse_ordering(ordering, 'o')[0][1] is False
        return
    with pytest.raises(ResourceConfigurationError, match='o'):
        parse_ordering(ordering, 'o')


def test_page_defaults() -> None:
    page = Page([1, 2])
    assert (page.items, page.total, page.next, page.prev) == (
        [1, 2],
        None,
        None,
        None,
    )


def test_parameters_mapping() -> None:
    params = PaginationParameters(limit=3, offset=0)
    assert params.limit == 3
    assert dict(params) == {'limit': 3, 'offset': 0}
    assert len(params) == 2
    assert params['offset'] == 0
    assert 'PaginationParameters' in repr(params)
    with pytest.raises(AttributeError):
        params.page  # noqa: B018
    with pytest.raises(AttributeError, match='read-only'):
        params.limit = 4
    with pytest.raises(TypeError):
        params['limit'] = 4  # type: ignore[index]


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('page', PageNumberPagination()),
        ('offset', LimitOffsetPagination()),
        ('cursor', CursorPagination()),
        (None, None),
    ],
)
def test_option_normalized(value: Any, expected: Any) -> None:
    options = Options.check({'pagination': value}, 'r', 'resource')
    assert options.pagination == expected


def test_option_instance_kept() -> None:
    style = LimitOffsetPagination(max_size=7)
    assert Options.check({'pagination': style}, 'r').pagination is style


@pytest.mark.parametrize('value', ['pages', 3, PageNumberPagination])
def test_option_refused(value: Any) -> None:
    with pytest.raises(ResourceConfigurationError, match='r: pagination'):
        Options.check({'pagination': value}, 'r')


def test_count_and_ordering_options() -> None:
    options = Options.check({'count': True, 'ordering': ['-a', 'b']}, 'r')
    assert (options.count, options.ordering) == (True, ('a', 'b'))
    assert Options.check({'ordering': None}, 'r').ordering is None
    with pytest.raises(ResourceConfigurationError, match='r: count'):
        Options.check({'count': 'yes'}, 'r')
    with pytest.raises(ResourceConfigurationError, match='r: ordering'):
        Options.check({'ordering': [1]}, 'r')


def test_from_mapping() -> None:
    made = from_mapping(
        {
            'style': 'cursor',
            'ordering': ['-created_at', 'id'],
            'default_size': 10,
            'max_size': 50,
            'count': True,
        },
        'pagination',
    )
    assert made == CursorPagination(
        ordering=('-created_at', 'id'),
        default_size=10,
        max_size=50,
        count=True,
    )
    with pytest.raises(ResourceConfigurationError, match='style'):
        from_mapping({'style': 'pages'}, 'pagination')
    with pytest.raises(ResourceConfigurationError, match='ordering'):
        from_mapping({'style': 'page', 'ordering': ['id']}, 'pagination')


class Listing:
    def __init__(self, request: Any) -> None:
        self.request = request

    def collection_get(self) -> Any:
        return []

    def collection_post(self) -> Any:
        return None

    def get(self) -> Any:
        return {}


def test_collection_get_only(config: Configurator) -> None:
    config.add_resource(
        Listing,
        collection_path='/l',
        path='/l/{id}',
        pagination='page',
        count=True,
    )
    # The resource-wide options reach collection_get alone.
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'listing')
    operations = intr['operations']
    assert operations['collection_get'].pagination.style == 'page'
    assert operations['collection_get'].count is True
    assert all(
        opts.pagination is None and opts.count is None
        for method, opts in operations.items()
        if method != 'collection_get'
    )


def test_elsewhere_refused(config: Configurator) -> None:
    from pyramid_restkit import operation

    class Bad(Listing):
        @operation(pagination='offset')
        def get(self) -> Any:
            return {}

    with pytest.raises(ResourceConfigurationError, match='collection_get'):
        config.add_resource(Bad, collection_path='/b', path='/b/{id}')


def _yaml(tmp_path: Path, options: str) -> str:
    path = tmp_path / 'api.yaml'
    path.write_text(
        'version: 1\n'
        'resources:\n'
        '  - class: tests.fixtures.pagination.Items\n'
        '    collection_path: /items\n'
        '    path: /items/{id}\n'
        f'    {options}\n'
    )
    return str(path)


def test_yaml_style_name(
    config: Configurator,
    tmp_path: Path,
    make_app: Callable[[], webtest.TestApp],
) -> None:
    config.load_resources(_yaml(tmp_path, 'pagination: page'))
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'items')
    pagination = intr['operations']['collection_get'].pagination
    assert pagination.style == 'page'


@pytest.mark.parametrize('ordering', ["'name id'", '[name, id]'])
def test_yaml_ordering_string_or_list(
    config: Configurator, tmp_path: Path, ordering: str
) -> None:
    config.load_resources(_yaml(tmp_path, f'ordering: {ordering}'))
    config.commit()
    intr = config.registry.introspector.get('restkit resources', 'items')
    assert intr['operations']['collection_get'].ordering == ('name', 'id')


@pytest.mark.parametrize(
    ('options', 'message'),
    [
        ('pagination: [page]', 'a style name or a mapping'),
        ('pagination: {style: pages}', 'style'),
        ('pagination: {style: page, size: 3}', 'size'),
        ('pagination: {style: page, max_size: 0}', 'max_size'),
        ('ordering: 1', 'a list of strings'),
    ],
)
def test_yaml_refused(
    config: Configurator, tmp_path: Path, options: str, message: str
) -> None:
    with pytest.raises(ResourceConfigurationError, match=message):
        config.load_resources(_yaml(tmp_path, options))
