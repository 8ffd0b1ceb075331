"""The number of validation errors built is bounded, whatever the body.

A problem lists at most 100 errors (``problems.MAX_ERRORS``); building
more, one colander ``Invalid`` per unknown key or per wrong item of a
list, made a 1 MiB body cost seconds (benchmarks/validation_cost.py).
Unknown keys are counted in one pass and only the first are built; a list
stops at the first items past the limit.  The problem says how many
errors there were ("N errors"), or at least how many ("At least N
errors") when the rest was not looked at.  Nothing here is timed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import colander
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.request import Request

from pyramid_restkit import operation
from pyramid_restkit.errors import ValidationFailure
from pyramid_restkit.schemas import Validator, field_errors, prepare

LIMIT = 100
MANY = 100_000


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Line(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String())
    qty = colander.SchemaNode(
        colander.Integer(), validator=colander.Range(min=1)
    )
    tags = Tags(missing=())


class Lines(colander.SequenceSchema):
    line = Line()


class Grid(colander.SequenceSchema):
    row = Tags()


class Post(colander.MappingSchema):
    title = colander.SchemaNode(colander.String())
    tags = Tags(missing=())
    lines = Lines(missing=())
    grid = Grid(missing=())


def nodes(error: colander.Invalid) -> Iterator[colander.Invalid]:
    stack = [error]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def invalid(body: Any, **kw: Any) -> colander.Invalid:
    kw.setdefault('typed', True)
    kw.setdefault('unknown', 'raise')
    with pytest.raises(colander.Invalid) as info:
        prepare(Post(), **kw).deserialize(body)
    return info.value


def failure(body: Any, typed: bool = True) -> ValidationFailure:
    validator = Validator(Post(), partial=False, unknown='raise', status=400)
    with pytest.raises(ValidationFailure) as info:
        validator.validate(Request.blank('/'), body, True, typed)
    return info.value


HUGE_BAD_BODIES: dict[str, Any] = {
    'unknown keys': {'title': 't', **{f'k{i}': 0 for i in range(MANY)}},
    'wrong types': {'title': 't', 'tags': [0] * MANY},
    'wrong items': {'title': 't', 'lines': [{'sku': 0, 'qty': 0}] * MANY},
    'unknown keys in items': {
        'title': 't',
        'lines': [{'sku': 'a', 'qty': 1, 'x': 0, 'y': 0}] * MANY,
    },
    'lists of wrong lists': {'title': 't', 'grid': [[0] * 1000] * 1000},
    'everything': {
        'title': 0,
        'tags': [0] * MANY,
        'lines': [{'sku': 0, 'tags': [0] * 1000, 'x': 0}] * 1000,
        'grid': [[0] * 1000] * 1000,
        **{f'k{i}': 0 for i in range(MANY)},
    },
}


@pytest.mark.parametrize(
    'body', HUGE_BAD_BODIES.values(), ids=list(HUGE_BAD_BODIES)
)
def test_errors_built_are_bounded(body: Any) -> None:
    error = invalid(body)
    built = sum(1 for _ in nodes(error))
    # one container holds at most the limit and one item's errors more;
    # the schema has four containers and a handful of fields
    assert built <= 8 * (LIMIT + 2)
    exc = failure(body)
    assert len(exc.errors) <= 8 * (LIMIT + 2)
    assert len(exc.errors) + exc.errors_omitted > LIMIT


@pytest.mark.parametrize('typed', [True, False])
def test_unknown_keys_are_counted_exactly(typed: bool) -> None:
    body = {'title': 't', **{f'k{i}': '0' for i in range(MANY)}}
    exc = failure(body, typed)
    assert len(exc.errors) == LIMIT
    assert [e['name'] for e in exc.errors[:3]] == ['k0', 'k1', 'k2']
    assert exc.errors_omitted == MANY - LIMIT
    assert exc.errors_incomplete is False


def test_unknown_keys_with_other_errors() -> None:
    body = {'title': 0, 'tags': [0], **{f'k{i}': 0 for i in range(150)}}
    exc = failure(body)
    names = [e['name'] for e in exc.errors]
    # colander's errors first, then the unknown fields in body order
    assert names[:3] == ['title', 'tags.0', 'k0']
    assert len(names) + exc.errors_omitted == 152
    assert exc.errors_incomplete is False


def test_a_list_stops_past_the_limit() -> None:
    exc = failure({'title': 't', 'tags': [0] * MANY})
    assert [e['name'] for e in exc.errors[:2]] == ['tags.0', 'tags.1']
    assert len(exc.errors) == LIMIT + 1
    assert exc.errors_omitted == 0
    assert exc.errors_incomplete is True


def test_a_list_at_the_limit_is_complete() -> None:
    for count in (LIMIT, LIMIT + 1):
        exc = failure({'title': 't', 'tags': [0] * count})
        assert len(exc.errors) == count
        assert exc.errors_incomplete is False
    # the last item past the limit: nothing was left unread
    exc = failure({'title': 't', 'tags': [0] * (LIMIT + 1) + ['ok']})
    assert exc.errors_incomplete is True


def test_a_valid_list_is_read_to_its_end() -> None:
    validator = Validator(Post(), partial=False, unknown='raise', status=400)
    body = {'title': 't', 'tags': ['a'] * MANY}
    result = validator.validate(Request.blank('/'), body, True, True)
    assert result['tags'] == ['a'] * MANY


def test_errors_without_a_message_count_too() -> None:
    def refuse(node: Any, value: Any) -> None:
        raise colander.Invalid(node)

    class Silent(colander.SequenceSchema):
        item = colander.SchemaNode(colander.String(), validator=refuse)

    with pytest.raises(colander.Invalid) as info:
        prepare(Silent(), typed=True).deserialize(['a'] * MANY)
    assert len(info.value.children) == LIMIT + 1
    assert field_errors(info.value, 'body') == []


def test_prepare_takes_its_limit() -> None:
    schema = prepare(Post(), typed=True, unknown='raise', max_errors=3)
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({'title': 't', 'tags': [0] * 10})
    assert len(info.value.children[0].children) == 4
    with pytest.raises(colander.Invalid) as info:
        schema.deserialize({'title': 't', **{f'k{i}': 0 for i in range(10)}})
    assert len(info.value.children) == 3
    assert info.value.restkit_omitted == 7


# -- through an application ---------------------------------------------------


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    @operation(status=201)
    def collection_post(self) -> Any:
        return self.request.validated


@pytest.fixture
def app(
    config: Configurator, make_app: Callable[[], webtest.TestApp]
) -> webtest.TestApp:
    config.add_resource(Posts, collection_path='/posts', schema=Post)
    return make_app()


#: What fits in a body of at most restkit.max_body_size (1 MiB).
FITS = 50_000


def test_problem_counts_unknown_keys(app: webtest.TestApp) -> None:
    body = {'title': 't', **{f'k{i}': 0 for i in range(FITS)}}
    res = app.post_json('/posts', body, status=400)
    assert len(res.json['errors']) == 100
    assert res.json['detail'] == (
        f'The request is not valid. {FITS} errors; only the first 100 are '
        'listed.'
    )


def test_problem_says_at_least(app: webtest.TestApp) -> None:
    res = app.post_json(
        '/posts', {'title': 't', 'tags': [0] * MANY}, status=400
    )
    assert len(res.json['errors']) == 100
    assert res.json['detail'] == (
        'The request is not valid. At least 101 errors; only the first 100 '
        'are listed.'
    )
    body = {'title': 't', 'lines': [{'sku': 0, 'qty': 0}] * 20_000}
    res = app.post_json('/posts', body, status=400)
    assert res.json['detail'].startswith(
        'The request is not valid. At least 102 errors;'
    )


def test_problem_of_xml_and_form_bodies(app: webtest.TestApp) -> None:
    xml = '<post><title>t</title><tags type="list">'
    xml += '<item></item>' * 5000 + '</tags></post>'
    res = app.post('/posts', xml, content_type='application/xml', status=400)
    assert len(res.json['errors']) == 100
    assert 'At least 101 errors' in res.json['detail']
    form = {'title': 't', **{f'k{i}': '0' for i in range(500)}}
    res = app.post('/posts', form, status=400)
    assert '500 errors' in res.json['detail']


def test_few_errors_are_all_listed(app: webtest.TestApp) -> None:
    res = app.post_json('/posts', {'title': 't', 'tags': [0] * 3}, status=400)
    assert res.json['detail'] == 'The request is not valid.'
    assert [e['name'] for e in res.json['errors']] == [
        'tags.0',
        'tags.1',
        'tags.2',
    ]
