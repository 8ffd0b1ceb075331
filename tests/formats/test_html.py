"""Unit tests of :mod:`pyramid_restkit.formats.html`.

The page is read back with the standard library's HTML parser: what a
browser would see as elements, attributes and text.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.formats.html import DEFAULT_TITLE, HTMLRenderer, page
from pyramid_restkit.formats.json import JSONRenderer
from tests.formats.helpers import PROPERTY

HOSTILE = '</dd><script>alert("x")</script>\'"><img src=x onerror=alert(1)>'


class Page(HTMLParser):
    """Elements, attributes and text of a parsed page."""

    def __init__(self, source: bytes) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.texts: list[str] = []
        self.declarations: list[str] = []
        self.style = ''
        self._in: list[str] = []
        self.feed(source.decode('utf-8'))
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.declarations.append(decl)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == 'style':
            self.style += data
        elif data.strip('\n'):
            self.texts.append(data)


@pytest.fixture
def renderer() -> HTMLRenderer:
    return HTMLRenderer()


@pytest.fixture
def request_() -> Request:
    # NOTE: not the shared one (conftest.py): a test names this path.
    return Request.blank('/posts')


def render(value: Any, **options: Any) -> str:
    result = HTMLRenderer().dumps(value, Request.blank('/'), **options)
    assert isinstance(result, bytes)
    return result.decode('utf-8')


def body_of(value: Any, renderer: HTMLRenderer | None = None) -> str:
    """The part of the page inside <main>, after the heading."""
    source = (renderer or HTMLRenderer()).dumps(value, None).decode()
    inner = source.split('<main>\n', 1)[1].split('\n</main>', 1)[0]
    return inner.split('</h1>\n', 1)[1]


# -- the page -----------------------------------------------------------------


def test_content_type(renderer: HTMLRenderer) -> None:
    assert renderer.content_type == 'text/html'


def test_page_is_a_complete_self_contained_document(
    renderer: HTMLRenderer, request_: Request
) -> None:
    source = renderer.dumps({'a': 1}, request_)
    assert source.startswith(b'<!doctype html>\n<html lang="en">\n')
    assert source.endswith(b'</html>\n')
    parsed = Page(source)
    assert parsed.declarations == ['doctype html']
    assert parsed.tags[:2] == ['html', 'head']
    assert ('charset', 'utf-8') in parsed.attrs
    assert set(parsed.tags) <= {
        'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1',
        'dl', 'dt', 'dd', 'span',
    }  # fmt: skip
    assert 'script' not in parsed.tags
    assert not [name for name, _ in parsed.attrs if name in ('src', 'href')]
    assert parsed.texts[:2] == [DEFAULT_TITLE, DEFAULT_TITLE]


def test_page_content_security_policy_allows_only_its_style(
    renderer: HTMLRenderer, request_: Request
) -> None:
    parsed = Page(renderer.dumps([], request_))
    policy = dict(parsed.attrs)['content']
    assert policy is not None
    digest = hashlib.sha256(parsed.style.encode()).digest()
    style_hash = base64.b64encode(digest).decode()
    assert policy == (
        f"default-src 'none'; style-src 'sha256-{style_hash}'; "
        "base-uri 'none'; form-action 'none'"
    )
    assert ('http-equiv', 'Content-Security-Policy') in parsed.attrs


def test_page_title_option_is_escaped(request_: Request) -> None:
    source = HTMLRenderer().dumps('x', request_, title=HOSTILE, root='ignored')
    parsed = Page(source)
    assert parsed.texts[:2] == [HOSTILE, HOSTILE]
    assert 'script' not in parsed.tags and 'img' not in parsed.tags


def test_page_helper_escapes_the_title_only() -> None:
    parsed = Page(page('<b>', '<p>ok</p>'))
    assert parsed.texts[:2] == ['<b>', 'ok']
    assert 'p' in parsed.tags and 'b' not in parsed.tags


# -- values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        ('text', '<span class="s">text</span>'),
        ('', '<span class="empty">(empty string)</span>'),
        (None, '<span class="null">null</span>'),
        (True, '<span class="b">true</span>'),
        (False, '<span class="b">false</span>'),
        (7, '<span class="n">7</span>'),
        (-2.5, '<span class="n">-2.5</span>'),
        (1e16, '<span class="n">1e+16</span>'),
        ({}, '<span class="empty">(empty object)</span>'),
        ([], '<span class="empty">(empty list)</span>'),
        ('a & b < c', '<span class="s">a &amp; b &lt; c</span>'),
        ('line\nbreak', '<span class="s">line\nbreak</span>'),
    ],
)
def test_scalars_and_empty_containers(value: Any, expected: str) -> None:
    assert body_of(value) == expected


def test_dict_is_a_definition_list() -> None:
    assert body_of({'title': 'Hi', 'n': 1}) == (
        '<dl>\n'
        '<dt>title</dt><dd><span class="s">Hi</span></dd>\n'
        '<dt>n</dt><dd><span class="n">1</span></dd>\n'
        '</dl>'
    )


def test_list_is_an_ordered_list_from_zero() -> None:
    assert body_of(['a', 1]) == (
        '<ol start="0">\n'
        '<li><span class="s">a</span></li>\n'
        '<li><span class="n">1</span></li>\n'
        '</ol>'
    )


def test_records_are_a_table() -> None:
    value = [
        {'id': 1, 'title': 'A', 'ok': True},
        {'title': 'B', 'id': 2, 'ok': None},
    ]
    assert body_of(value) == (
        '<table>\n'
        '<thead><tr><th scope="col">id</th><th scope="col">title</th>'
        '<th scope="col">ok</th></tr></thead>\n'
        '<tbody>\n'
        '<tr><td><span class="n">1</span></td><td><span class="s">A</span>'
        '</td><td><span class="b">true</span></td></tr>\n'
        '<tr><td><span class="n">2</span></td><td><span class="s">B</span>'
        '</td><td><span class="null">null</span></td></tr>\n'
        '</tbody>\n'
        '</table>'
    )


@pytest.mark.parametrize(
    'value',
    [
        [{'a': 1}, {'b': 1}],  # different keys
        [{'a': 1}, {'a': 1, 'b': 2}],
        [{'a': 1}, 'x'],  # not all dicts
        ['x', {'a': 1}],
        [{'a': [1]}],  # not flat
        [{'a': {'b': 1}}, {'a': 1}],
        [{}, {}],  # no keys
    ],
)
def test_lists_that_are_not_tables(value: list[Any]) -> None:
    result = body_of(value)
    assert result.startswith('<ol start="0">') and '<table>' not in result


def test_nesting_is_recursive() -> None:
    result = body_of({'post': {'tags': ['a'], 'rows': [{'k': 'v'}]}})
    parsed = Page(result.encode())
    assert parsed.tags == [
        'dl', 'dt', 'dd', 'dl', 'dt', 'dd', 'ol', 'li', 'span',
        'dt', 'dd', 'table', 'thead', 'tr', 'th', 'tbody', 'tr', 'td', 'span',
    ]  # fmt: skip
    assert parsed.texts == ['post', 'tags', 'a', 'rows', 'k', 'v']


def test_depth_guard_shows_deeper_levels_as_json() -> None:
    renderer = HTMLRenderer(max_depth=2)
    value = {'a': {'b': {'c': ['<x>', 1]}}, 'l': [[], ['y']]}
    result = body_of(value, renderer)
    assert (
        '<dt>b</dt><dd><code class="s">{&quot;c&quot;:[&quot;&lt;x&gt;'
        '&quot;,1]}</code></dd>'
    ) in result
    assert '<span class="empty">(empty list)</span>' in result
    assert '<code class="s">[&quot;y&quot;]</code>' in result


def test_very_deep_nesting(renderer: HTMLRenderer) -> None:
    value: Any = 'leaf'
    for _ in range(500):
        value = [value]
    parsed = Page(renderer.dumps(value, None))
    assert parsed.tags.count('ol') == 32
    assert parsed.texts[-1] == '[' * 468 + '"leaf"' + ']' * 468


# -- escaping -----------------------------------------------------------------


def test_keys_and_values_are_escaped(renderer: HTMLRenderer) -> None:
    value = {
        HOSTILE: HOSTILE,
        'list': [HOSTILE],
        'rows': [{HOSTILE: HOSTILE}],
    }
    source = renderer.dumps(value, None)
    parsed = Page(source)
    assert 'script' not in parsed.tags and 'img' not in parsed.tags
    assert parsed.texts.count(HOSTILE) == 5
    assert b'<script' not in source and b'"><img' not in source


def test_links_only_for_http_urls() -> None:
    assert body_of('https://example.com/a?x=1&y="2"') == (
        '<span class="s">https://example.com/a?x=1&amp;y=&quot;2&quot;</span>'
    )
    assert body_of('https://example.com/a?x=1&y=2') == (
        '<a href="https://example.com/a?x=1&amp;y=2" '
        'rel="nofollow noreferrer">https://example.com/a?x=1&amp;y=2</a>'
    )
    for text in (
        'javascript:alert(1)',
        'see https://example.com',
        'ftp://example.com',
        "https://x/'onmouseover=alert(1)",
        'https://',
    ):
        assert body_of(text).startswith('<span class="s">'), text


def test_lone_surrogates_are_shown_escaped(renderer: HTMLRenderer) -> None:
    source = renderer.dumps({'k\ud800': 'v\udfff'}, None)
    assert b'<dt>k\\ud800</dt>' in source
    assert b'v\\udfff' in source


# -- JSON rules ---------------------------------------------------------------


def test_values_follow_the_json_rules(renderer: HTMLRenderer) -> None:
    value = {
        'at': datetime.date(2024, 2, 29),
        'price': decimal.Decimal('1.10'),
        'id': uuid.UUID(int=1),
        7: {2, 1},
    }
    parsed = Page(renderer.dumps(value, None))
    assert parsed.texts[2:] == [
        'at', '2024-02-29', 'price', '1.10',
        'id', '00000000-0000-0000-0000-000000000001', '7', '1', '2',
    ]  # fmt: skip


def test_adapters_and_shared_json_renderer(request_: Request) -> None:
    shared = JSONRenderer()
    renderer = HTMLRenderer(shared)
    renderer.add_adapter(complex, lambda value, request: request.path)
    assert shared.dumps(1j, request_) == b'"/posts"'
    assert Page(renderer.dumps(1j, request_)).texts[-1] == '/posts'


def test_refuses_what_json_refuses(renderer: HTMLRenderer) -> None:
    with pytest.raises(ValueError):
        renderer.dumps([float('inf')], None)
    with pytest.raises(TypeError):
        renderer.dumps(object(), None)


# -- problem details ----------------------------------------------------------


def test_dumps_problem(renderer: HTMLRenderer, request_: Request) -> None:
    problem = {
        'type': 'about:blank',
        'title': 'Not Found',
        'status': 404,
        'detail': 'No post <7>.',
    }
    parsed = Page(renderer.dumps_problem(problem, request_))
    assert parsed.texts == ['404 Not Found', '404 Not Found', 'No post <7>.']
    assert parsed.tags[-2:] == ['h1', 'p']


def test_dumps_problem_with_validation_errors(
    renderer: HTMLRenderer, request_: Request
) -> None:
    problem = {
        'type': 'tag:pyramid-restkit,2026:validation',
        'title': 'Bad Request',
        'status': 400,
        'detail': 'The request is not valid.',
        'errors': [
            {'location': 'body', 'name': 'title', 'description': HOSTILE},
            {'location': 'body', 'name': 'tags.0', 'description': 'Bad'},
        ],
        'accepted': ['application/json'],
    }
    source = renderer.dumps_problem(problem, request_)
    parsed = Page(source)
    assert parsed.texts == [
        '400 Bad Request', '400 Bad Request', 'The request is not valid.',
        'Errors', 'location', 'name', 'description',
        'body', 'title', HOSTILE, 'body', 'tags.0', 'Bad',
        'type', 'tag:pyramid-restkit,2026:validation',
        'accepted', 'application/json',
    ]  # fmt: skip
    assert 'table' in parsed.tags and 'script' not in parsed.tags


@pytest.mark.parametrize(
    ('problem', 'heading'),
    [
        ({'title': 'Teapot'}, 'Teapot'),
        ({'status': 500}, '500'),
        ({}, 'Error'),
    ],
)
def test_dumps_problem_heading(problem: dict[str, Any], heading: str) -> None:
    parsed = Page(HTMLRenderer().dumps_problem(problem, None))
    assert parsed.texts == [heading, heading]


# -- properties ---------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=15,
)


def strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    return [value] if isinstance(value, str) else []


@PROPERTY
@given(JSON_VALUES, st.text())
def test_any_value_gives_a_page_without_markup_from_data(
    value: Any, title: str
) -> None:
    source = HTMLRenderer().dumps(value, None, title=title)
    parsed = Page(source)
    assert 'script' not in parsed.tags
    assert set(parsed.tags) <= {
        'html', 'head', 'meta', 'title', 'style', 'body', 'main', 'h1',
        'dl', 'dt', 'dd', 'ol', 'li', 'span', 'a', 'table', 'thead',
        'tbody', 'tr', 'th', 'td',
    }  # fmt: skip
    text = '\x00'.join(parsed.texts)
    for string in strings(value):
        assert string.strip('\n') == '' or string in text
