"""Unit tests of :mod:`pyramid_restkit.formats.xml`.

The parser is a security boundary (API.md, "HTTP policy"): malformed or
hostile XML must be a :class:`ParseError` (a 400), never a 500, whose
message quotes at most a short excerpt of the input.  The renderer and
the parser share one mapping, checked rule by rule in both directions and
then as a round-trip property.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import sys
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyramid.request import Request

from pyramid_restkit.errors import ParseError
from pyramid_restkit.formats.xml import (
    DEFAULT_ROOT,
    PROBLEM_NAMESPACE,
    XMLRenderer,
    escape_attribute,
    escape_text,
    is_element_name,
    parse_xml,
)
from pyramid_restkit.media import ParseOptions
from tests.formats import helpers
from tests.formats.helpers import PROPERTY

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def parse(
    body: bytes | str, max_depth: int = 64, charset: str | None = None
) -> Any:
    if isinstance(body, str):
        body = body.encode('utf-8')
    return parse_xml(body, ParseOptions(max_depth=max_depth, charset=charset))


def parse_error(
    body: bytes | str, max_depth: int = 64, charset: str | None = None
) -> str:
    """Parse ``body`` and return the detail of its ParseError."""
    options = ParseOptions(max_depth=max_depth, charset=charset)
    return helpers.parse_error(parse_xml, body, options)


def render(value: Any, **options: Any) -> str:
    """Render ``value`` and return the document after the declaration."""
    out = XMLRenderer().dumps(value, Request.blank('/'), **options)
    text = out.decode('utf-8')
    assert text.startswith(DECLARATION)
    return text[len(DECLARATION) :]


def textify(value: Any) -> Any:
    """What the parser gives back for a rendered ``value``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        return {key: textify(child) for key, child in value.items()}
    return [textify(child) for child in value]


def is_xml_char(char: str) -> bool:
    """XML 1.0 production 2 (Char)."""
    return (
        char in '\t\n\r'
        or ' ' <= char <= '\ud7ff'
        or '\ue000' <= char <= '\ufffd'
        or char >= '\U00010000'
    )


def replaced(text: str) -> str:
    return ''.join(c if is_xml_char(c) else '\ufffd' for c in text)


# -- the mapping, value to XML ------------------------------------------------


class Colour(enum.IntEnum):
    RED = 1


class Name(str):
    pass


@pytest.mark.parametrize(
    ('value', 'expected'),
    [
        (None, '<response nil="true"/>'),
        ('', '<response/>'),
        ('text', '<response>text</response>'),
        (' padded\n', '<response> padded\n</response>'),
        (True, '<response>true</response>'),
        (False, '<response>false</response>'),
        (0, '<response>0</response>'),
        (-12, '<response>-12</response>'),
        (10**30, '<response>1000000000000000000000000000000</response>'),
        (1.5, '<response>1.5</response>'),
        (-0.0, '<response>-0.0</response>'),
        (1e16, '<response>1e+16</response>'),
        (2.5e-7, '<response>2.5e-07</response>'),
        (Colour.RED, '<response>1</response>'),
        (Name('n'), '<response>n</response>'),
        ({}, '<response type="object"/>'),
        ({'a': 1}, '<response><a>1</a></response>'),
        (
            {'b': 'x', 'a': None, 'c': ''},
            '<response><b>x</b><a nil="true"/><c/></response>',
        ),
        (
            {'_x.y-Z9': 1},
            '<response><_x.y-Z9>1</_x.y-Z9></response>',
        ),
        ([], '<response type="list"/>'),
        (
            [1, 'two'],
            '<response type="list"><item>1</item><item>two</item></response>',
        ),
        (
            (1,),
            '<response type="list"><item>1</item></response>',
        ),
        (
            [[], {}, [None]],
            '<response type="list"><item type="list"/>'
            '<item type="object"/>'
            '<item type="list"><item nil="true"/></item></response>',
        ),
        (
            {'items': [{'id': 1}]},
            '<response><items type="list"><item><id>1</id></item>'
            '</items></response>',
        ),
    ],
)
def test_render_mapping(value: Any, expected: str) -> None:
    assert render(value) == expected
    assert parse(DECLARATION + expected) == textify(value)


@pytest.mark.parametrize(
    'key',
    [
        'entry',
        'xml',
        'XMLdata',
        'xmlns',
        'a:b',
        'a b',
        '',
        '1a',
        '-a',
        '.a',
        'café',
        '\u2070',
        '<&>"\'',
        'tab\there',
        'line\nfeed',
        'carriage\rreturn',
    ],
)
def test_render_keys_that_are_not_names(key: str) -> None:
    document = render({key: 'v'})
    assert document == (
        f'<response><entry key="{escape_attribute(key)}">v</entry></response>'
    )
    assert parse(DECLARATION + document) == {key: 'v'}


@pytest.mark.parametrize(
    ('key', 'expected'),
    [
        (1, '<response><entry key="1">x</entry></response>'),
        (1.5, '<response><entry key="1.5">x</entry></response>'),
        (True, '<response><true>x</true></response>'),
        (None, '<response><null>x</null></response>'),
    ],
)
def test_render_keys_that_are_not_strings(key: Any, expected: str) -> None:
    # As json.dumps converts them.
    assert render({key: 'x'}) == expected
    assert json.loads(json.dumps({key: 'x'})) == parse(expected)


def test_render_key_of_another_type() -> None:
    with pytest.raises(TypeError, match='keys must be'):
        render({(1, 2): 'x'})


def test_render_escapes_text() -> None:
    assert render('a & b < c > d ]]> "q" \'s\' \t\n') == (
        '<response>a &amp; b &lt; c &gt; d ]]&gt; "q" \'s\' \t\n</response>'
    )
    assert render('\r\n') == '<response>&#13;\n</response>'
    assert parse(DECLARATION + render('x\r\ny\r')) == 'x\r\ny\r'


def test_render_replaces_what_xml_cannot_carry() -> None:
    value = 'a\x00b\x08\x0b\x0c\x1f\ud800\udfff\ufffe\uffff\U0010ffffz'
    expected = 'a\ufffdb' + '\ufffd' * 8 + '\U0010ffffz'
    assert render(value) == f'<response>{expected}</response>'
    document = render({'k\x01': value})
    assert 'k\ufffd' in document
    assert parse(DECLARATION + document) == {'k\ufffd': expected}


def test_escape_helpers() -> None:
    assert escape_text('&<>\r"\n\t\x00') == '&amp;&lt;&gt;&#13;"\n\t\ufffd'
    assert escape_attribute('&<>\r"\n\t\x00') == (
        '&amp;&lt;&gt;&#13;&quot;&#10;&#9;\ufffd'
    )
    assert escape_text('plain') == 'plain'


@pytest.mark.parametrize(
    ('name', 'expected'),
    [
        ('a', True),
        ('_', True),
        ('A.b-c_9', True),
        ('item', True),
        ('entry', False),
        ('xml', False),
        ('XmLx', False),
        ('xm', True),
        ('', False),
        ('9', False),
        ('a:b', False),
        ('é', False),
        ('a b', False),
        ('a\n', False),
    ],
)
def test_is_element_name(name: str, expected: bool) -> None:
    assert is_element_name(name) is expected


def test_render_root_option() -> None:
    assert render({'a': 1}, root='post') == '<post><a>1</a></post>'
    assert render([], root='posts') == '<posts type="list"/>'
    assert render(None, root=None) == '<response nil="true"/>'
    assert render('x', root='entry') == '<entry>x</entry>'
    # Unknown options are ignored.
    assert render('x', indent=2, pretty=True) == '<response>x</response>'
    assert DEFAULT_ROOT == 'response'


def test_renderer_default_root() -> None:
    renderer = XMLRenderer(root='data')
    out = renderer.dumps({'a': 1}, None)
    assert out == (DECLARATION + '<data><a>1</a></data>').encode()
    out = renderer.dumps({'a': 1}, None, root='other')
    assert out == (DECLARATION + '<other><a>1</a></other>').encode()


@pytest.mark.parametrize(
    'root', ['', 'xml', 'XMLroot', 'a b', 'a:b', '1a', 'é', '<a>', 'a\n']
)
def test_render_refuses_a_bad_root(root: str) -> None:
    with pytest.raises(ValueError, match='root element'):
        render('x', root=root)
    with pytest.raises(ValueError, match='root element'):
        XMLRenderer(root=root)


def test_render_content_type() -> None:
    assert XMLRenderer.content_type == 'application/xml'


# -- adapters -----------------------------------------------------------------


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y


class Point3D(Point):
    pass


class Model:
    def __json__(self, request: Any) -> Any:
        return {'path': request.path, 'tags': ('a', 'b')}


def test_render_builtin_adapters() -> None:
    value = {
        'at': datetime.datetime(
            2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc
        ),
        'day': datetime.date(2024, 5, 6),
        'time': datetime.time(7, 8),
        'price': decimal.Decimal('1.10'),
        'id': uuid.UUID(int=1),
        'set': {3, 1, 2},
        'frozen': frozenset(['b', 'a']),
    }
    assert parse(DECLARATION + render(value)) == {
        'at': '2024-05-06T07:08:09+00:00',
        'day': '2024-05-06',
        'time': '07:08:00',
        'price': '1.10',
        'id': '00000000-0000-0000-0000-000000000001',
        'set': ['1', '2', '3'],
        'frozen': ['a', 'b'],
    }


def test_render_json_method_gets_the_request() -> None:
    out = XMLRenderer().dumps(Model(), Request.blank('/posts/1'))
    assert out.decode() == (
        DECLARATION + '<response><path>/posts/1</path><tags type="list">'
        '<item>a</item><item>b</item></tags></response>'
    )


def test_add_adapter() -> None:
    renderer = XMLRenderer()
    seen: list[Any] = []

    def point(value: Point, request: Any) -> Any:
        seen.append(request)
        return {'x': value.x, 'y': value.y}

    renderer.add_adapter(Point, point)
    request = Request.blank('/')
    # The adapter applies to subclasses through the MRO.
    out = renderer.dumps([Point(1, 2), Point3D(3, 4)], request)
    assert parse(out) == [{'x': '1', 'y': '2'}, {'x': '3', 'y': '4'}]
    assert seen == [request, request]
    # A more specific adapter wins; adapters may chain.
    renderer.add_adapter(Point3D, lambda value, request: Point(0, value.y))
    assert parse(renderer.dumps(Point3D(3, 4), None)) == {'x': '0', 'y': '4'}
    # An adapter overrides a built-in one.
    renderer.add_adapter(datetime.date, lambda value, request: value.year)
    assert parse(renderer.dumps(datetime.date(2024, 1, 2), None)) == '2024'


def test_render_unknown_type() -> None:
    with pytest.raises(TypeError, match='Point is not XML serializable'):
        render({'p': Point(1, 2)})


def test_render_adapter_that_never_ends() -> None:
    renderer = XMLRenderer()
    renderer.add_adapter(Point, lambda value, request: Point3D(0, 0))
    renderer.add_adapter(Point3D, lambda value, request: Point(0, 0))
    with pytest.raises(TypeError, match='32 times'):
        renderer.dumps(Point(1, 2), None)


@pytest.mark.parametrize('number', [float('nan'), float('inf'), -float('inf')])
def test_render_refuses_non_finite_numbers(number: float) -> None:
    with pytest.raises(ValueError, match='no JSON or XML number'):
        render([number])


def test_render_refuses_circular_structures() -> None:
    loop: dict[str, Any] = {'a': 1}
    loop['self'] = loop
    with pytest.raises(ValueError, match='Circular reference'):
        render(loop)
    deep: list[Any] = [[1]]
    deep[0].append(deep)
    with pytest.raises(ValueError, match='Circular reference'):
        render(deep)


def test_render_shared_values_are_not_circular() -> None:
    shared = {'a': [1]}
    value = {'x': shared, 'y': [shared, shared]}
    assert parse(DECLARATION + render(value)) == textify(value)


class Node:
    def __init__(self, n: int) -> None:
        self.n = n

    def __json__(self, request: Any) -> Any:
        # A new dict each time: freed dicts' ids are reused.
        return {'n': self.n, 'child': Node(self.n - 1) if self.n else None}


def test_render_fresh_adapter_values_are_not_circular() -> None:
    value = parse(XMLRenderer().dumps(Node(50), None))
    depth = 0
    while value['child'] is not None:
        assert value['n'] == str(50 - depth)
        value = value['child']
        depth += 1
    assert depth == 50


def test_render_deep_values_without_recursion() -> None:
    value: Any = 'leaf'
    for _ in range(100_000):
        value = [value]
    document = render(value)
    assert document.count('<item') == 100_000
    result = parse(DECLARATION + document, max_depth=200_000)
    depth = 0
    while isinstance(result, list):
        (result,) = result
        depth += 1
    assert (depth, result) == (100_000, 'leaf')


# -- problem details (RFC 9457, appendix B) -----------------------------------


def problem(value: Any) -> str:
    return XMLRenderer().dumps_problem(value, None).decode('utf-8')


def test_problem_validation_errors() -> None:
    body = {
        'type': 'tag:pyramid-restkit,2026:validation',
        'title': 'Bad Request',
        'status': 400,
        'detail': 'The request is not valid.',
        'errors': [
            {'location': 'body', 'name': 'title', 'description': 'Required'}
        ],
    }
    assert problem(body) == (
        DECLARATION + '<problem xmlns="urn:ietf:rfc:7807">'
        '<type>tag:pyramid-restkit,2026:validation</type>'
        '<title>Bad Request</title><status>400</status>'
        '<detail>The request is not valid.</detail>'
        '<errors><i><location>body</location><name>title</name>'
        '<description>Required</description></i></errors></problem>'
    )


def test_problem_rfc_example() -> None:
    body = {
        'type': 'https://example.com/probs/out-of-credit',
        'title': 'You do not have enough credit.',
        'detail': 'Your current balance is 30, but that costs 50.',
        'instance': '/account/12345/msgs/abc',
        'balance': 30,
        'accounts': ['/account/12345', '/account/67890'],
    }
    document = ElementTree.fromstring(problem(body).encode())
    ns = '{' + PROBLEM_NAMESPACE + '}'
    assert document.tag == ns + 'problem'
    assert [child.tag for child in document] == [ns + key for key in body]
    assert document.findtext(ns + 'balance') == '30'
    accounts = document.find(ns + 'accounts')
    assert accounts is not None
    assert [(i.tag, i.text) for i in accounts] == [
        (ns + 'i', '/account/12345'),
        (ns + 'i', '/account/67890'),
    ]
    assert all(not element.attrib for element in document.iter())


def test_problem_other_members() -> None:
    body = {
        'status': 406,
        'available': [],
        'alternates': [{'type': 'application/json', 'href': '/p.json'}],
        'context': {},
        'missing': None,
        'odd key': 'x & y',
    }
    assert problem(body) == (
        DECLARATION + '<problem xmlns="urn:ietf:rfc:7807"><status>406</status>'
        '<available/><alternates><i><type>application/json</type>'
        '<href>/p.json</href></i></alternates><context/>'
        '<missing nil="true"/><entry key="odd key">x &amp; y</entry>'
        '</problem>'
    )


# -- the mapping, XML to value ------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ('<a/>', ''),
        ('<a></a>', ''),
        ('<a>text</a>', 'text'),
        ('<a>  spaced\n\t</a>', '  spaced\n\t'),
        ('<a>\u00a0</a>', '\u00a0'),
        ('<a nil="true"/>', None),
        ('<a nil="true"></a>', None),
        ('<a type="list"/>', []),
        ('<a type="list">\n  \t</a>', []),
        ('<a type="object"/>', {}),
        ('<a type="object"> </a>', {}),
        ('<a><b>1</b><c/></a>', {'b': '1', 'c': ''}),
        ('<a type="object"><b>1</b></a>', {'b': '1'}),
        ('<a>\n  <b>1</b>\n  <c>2</c>\n</a>\n', {'b': '1', 'c': '2'}),
        ('<a><z>1</z><y>2</y></a>', {'z': '1', 'y': '2'}),
        ('<a><entry key="x y">1</entry></a>', {'x y': '1'}),
        ('<a><entry key="">1</entry></a>', {'': '1'}),
        ('<a><entry key="a&#10;b&#9;c">1</entry></a>', {'a\nb\tc': '1'}),
        ('<a><item>1</item></a>', {'item': '1'}),
        ('<a><xmlish>1</xmlish></a>', {'xmlish': '1'}),
        ('<a><b nil="true"/></a>', {'b': None}),
        (
            '<a type="list"><item>1</item><item nil="true"/></a>',
            ['1', None],
        ),
        # List children may have any name; the renderer writes <item>.
        ('<a type="list"><tag>x</tag><tag>y</tag></a>', ['x', 'y']),
        ('<a type="list"><entry>x</entry></a>', ['x']),
        (
            '<a type="list"><item><b>1</b></item><item type="list"/></a>',
            [{'b': '1'}, []],
        ),
        # The root element's name does not matter.
        ('<post>x</post>', 'x'),
        ('<entry>x</entry>', 'x'),
        ('<a>x<!-- a comment --></a>', 'x'),
        (
            '<!-- c --><?pi data?><a><?pi x?><b/><!-- c --></a><!-- c -->',
            {'b': ''},
        ),
        ('<a><![CDATA[<b>&amp;</b>]]></a>', '<b>&amp;</b>'),
        (
            '<a>&lt;&amp;&gt;&quot;&apos;&#65;&#x1F600;</a>',
            '<&>"\'A\U0001f600',
        ),
        ('<a>x&#13;y</a>', 'x\ry'),
        # A literal CR LF is a line feed: XML's end-of-line handling.
        ('<a>x\r\ny\rz</a>', 'x\ny\nz'),
        ('<?xml version="1.0"?><a>x</a>', 'x'),
        ('<?xml version="1.0" encoding="UTF-8"?>\n<a>x</a>', 'x'),
        ("<?xml version='1.0' encoding='utf-8' standalone='yes'?><a/>", ''),
        ('\ufeff<?xml version="1.0" encoding="utf-8"?><a>x</a>', 'x'),
        ('\ufeff<a>é</a>', 'é'),
        ('\n <a>x</a> \n', 'x'),
        # An unused namespace declaration changes nothing.
        ('<a xmlns:x="urn:x"><b/></a>', {'b': ''}),
    ],
)
def test_parse_mapping(body: str, expected: Any) -> None:
    assert parse(body) == expected


def test_parse_keeps_key_order() -> None:
    value = parse('<a><z>1</z><entry key="y y">2</entry><m/></a>')
    assert list(value) == ['z', 'y y', 'm']


def test_parse_accepts_a_utf8_charset() -> None:
    assert parse('<a>é</a>', charset='utf-8') == 'é'


# -- refused documents --------------------------------------------------------


@pytest.mark.parametrize(
    ('body', 'message'),
    [
        # Structure.
        ('<a><b>1</b><b>2</b></a>', "The key 'b' appears twice"),
        ('<a><b>1</b><b>2</b></a>', 'type="list"'),
        ('<a><b/><entry key="b"/></a>', "The key 'b' appears twice"),
        ('<a><entry key="k"/><entry key="k"/></a>', "key 'k' appears twice"),
        ('<a><entry>1</entry></a>', 'needs a key attribute'),
        ('<a type="object"><entry/></a>', 'needs a key attribute'),
        ('<a>text<b/></a>', 'mixes text and child elements'),
        ('<a><b/>tail</a>', 'mixes text and child elements'),
        ('<a><b/> \u00a0 </a>', 'mixes text and child elements'),
        ('<a type="list">text</a>', 'mixes text and child elements'),
        ('<a type="list"><i/>x<i/></a>', 'mixes text and child elements'),
        ('<a type="object">text</a>', 'mixes text and child elements'),
        # Attributes.
        ('<a type="dict"/>', "type='dict'"),
        ('<a type="List"/>', "type='List'"),
        ('<a type=""/>', "type=''"),
        ('<a type="list" nil="true"/>', 'both nil and type'),
        ('<a nil="false"/>', "nil='false'"),
        ('<a nil="1"/>', "nil='1'"),
        ('<a nil="true">x</a>', 'nil="true" and content'),
        ('<a nil="true"> </a>', 'nil="true" and content'),
        ('<a nil="true"><b/></a>', 'nil="true" and content'),
        ('<a id="1"/>', "unknown attribute 'id'"),
        ('<a key="k">1</a>', "unknown attribute 'key'"),
        ('<a><b key="k">1</b></a>', "unknown attribute 'key'"),
        ('<a type="list"><entry key="k"/></a>', "unknown attribute 'key'"),
        ('<a><entry key="k" id="2"/></a>', "unknown attribute 'id'"),
        # Namespaces.
        ('<a xmlns="urn:x"/>', 'namespaces are not supported'),
        ('<p:a xmlns:p="urn:x"/>', 'namespaces are not supported'),
        ('<a xmlns:p="urn:x"><p:b/></a>', 'namespaces are not supported'),
        ('<a xml:lang="en"/>', 'namespaces are not supported'),
        ('<a xmlns:p="urn:x" p:type="list"/>', 'namespaces are not supported'),
        ('<problem xmlns="urn:ietf:rfc:7807"/>', 'not supported'),
        # Well-formedness.
        ('', 'no element found'),
        ('   \n', 'no element found'),
        ('text', 'syntax error'),
        ('<a>', 'no element found'),
        ('<a></b>', 'mismatched tag'),
        ('<a><b></a></b>', 'mismatched tag'),
        ('<a x="1" x="2"/>', 'duplicate attribute'),
        ('<a x=1/>', 'not well-formed'),
        ('<a/><b/>', 'junk after document element'),
        ('<a/>trailing garbage', 'junk after document element'),
        ('<a/><!-- c --><a/>', 'junk after document element'),
        ('<a/>\x00', 'not well-formed'),
        ('<a>\x01</a>', 'not well-formed'),
        ('<a>&#0;</a>', 'reference to invalid character number'),
        ('<a>&#xFFFE;</a>', 'reference to invalid character number'),
        ('<a>&nbsp;</a>', 'undefined entity'),
        ('<a>&' + 'x' * 200 + ';</a>', 'undefined entity'),
        ('<a>\ufffe</a>', 'not well-formed'),
        ('<?xml version="1.0"?><?xml version="1.0"?><a/>', 'XML or text'),
        ('<' + 'x' * 200 + '>', 'no element found'),
    ],
)
def test_parse_errors(body: str, message: str) -> None:
    assert message in parse_error(body)


def test_parse_error_messages_give_the_position() -> None:
    detail = parse_error('<a>\n  <b>\n</a>')
    assert detail == 'Invalid XML: mismatched tag (line 3, column 2).'


def test_parse_error_messages_quote_little_of_the_input() -> None:
    long_name = 'n' * 500
    for body in [
        f'<a><{long_name}/><{long_name}/></a>',
        f'<a type="{long_name}"/>',
        f'<a nil="{long_name}"/>',
        f'<a {long_name}="1"/>',
        f'<{long_name}>text<b/></{long_name}>',
        f'<a><entry key="{long_name}"/><entry key="{long_name}"/></a>',
        f'<{long_name} nil="true">x</{long_name}>',
        f'<a xmlns="urn:{long_name}"/>',
    ]:
        assert len(parse_error(body)) < 200


# -- encodings ----------------------------------------------------------------


@pytest.mark.parametrize(
    'body',
    [
        b'<a>\xff</a>',
        b'<a>\xc3</a>',
        b'<a>\xc0\xaf</a>',  # overlong
        b'<a>\xed\xa0\x80</a>',  # an encoded surrogate
        '<a>é</a>'.encode('latin-1'),
        '<a>x</a>'.encode('utf-16'),
        b'\xff\xfe<\x00a\x00/\x00>\x00',
    ],
)
def test_parse_refuses_bytes_that_are_not_utf8(body: bytes) -> None:
    assert 'not valid UTF-8 (byte ' in parse_error(body)


@pytest.mark.parametrize(
    'encoding', ['latin-1', 'ISO-8859-1', 'utf-16', 'US-ASCII', 'utf8', '']
)
def test_parse_refuses_other_declared_encodings(encoding: str) -> None:
    body = f'<?xml version="1.0" encoding="{encoding}"?><a>x</a>'
    detail = parse_error(body.encode('ascii'))
    assert f'names the encoding {encoding!r}' in detail
    body = f"<?xml version='1.0'  encoding = '{encoding}' ?><a/>"
    assert 'only UTF-8 is accepted' in parse_error(body.encode('ascii'))


def test_parse_refuses_latin1_declared_body() -> None:
    body = '<?xml version="1.0" encoding="latin-1"?><a>é</a>'
    assert 'only UTF-8' in parse_error(body.encode('latin-1'))
    # Valid UTF-8 bytes do not make the lie acceptable either.
    assert 'only UTF-8' in parse_error(body.encode('utf-8'))


@pytest.mark.parametrize('charset', ['latin-1', 'utf-16', 'us-ascii'])
def test_parse_refuses_other_charsets(charset: str) -> None:
    assert 'send XML in UTF-8' in parse_error('<a/>', charset=charset)


# -- hostile documents --------------------------------------------------------

#: Audit events seen while a test watches (see :func:`watch`).
_WATCHING: list[list[str]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _WATCHING and (
        event.startswith(('socket.', 'urllib.', 'subprocess.'))
        or (event == 'open' and 'passwd' in str(args[0]))
    ):
        _WATCHING[-1].append(event)


sys.addaudithook(_audit)


@pytest.fixture
def watch() -> Iterator[list[str]]:
    """Collect network, subprocess and /etc/passwd audit events."""
    events: list[str] = []
    _WATCHING.append(events)
    try:
        yield events
    finally:
        _WATCHING.remove(events)


def test_watch_sees_file_access(watch: list[str], tmp_path: Any) -> None:
    # The watch itself works: opening a file named passwd is reported.
    (tmp_path / 'passwd').write_bytes(b'root')
    assert watch
    assert set(watch) == {'open'}


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


@pytest.mark.parametrize(
    'body',
    [
        BILLION_LAUGHS,
        # XXE: an external entity reading a local file.
        '<?xml version="1.0"?>\n<!DOCTYPE a [\n'
        '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<a>&xxe;</a>',
        # An external entity over the network.
        '<!DOCTYPE a [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]><a>&e;</a>',
        # A parameter entity (the out-of-band exfiltration pattern).
        '<!DOCTYPE a [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>'
        '<a/>',
        # An external DTD.
        '<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd"><a/>',
        '<!DOCTYPE a PUBLIC "-//X//DTD X//EN" "file:///etc/passwd"><a/>',
        # Even a harmless document type declaration.
        '<!DOCTYPE a><a/>',
        '<!DOCTYPE a []><a/>',
        # An unparsed entity and a notation.
        '<!DOCTYPE a [<!NOTATION n SYSTEM "x"><!ENTITY u SYSTEM "file:///etc'
        '/passwd" NDATA n>]><a/>',
    ],
)
def test_parse_refuses_document_types(body: str, watch: list[str]) -> None:
    detail = parse_error(body)
    assert detail == (
        'Document type declarations (DOCTYPE), entity declarations and '
        'external references are not allowed.'
    )
    assert watch == []


def nested(depth: int, leaf: str = 'x') -> str:
    """``depth`` + 1 elements, one in another, around ``leaf``."""
    return '<a>' * (depth + 1) + leaf + '</a>' * (depth + 1)


def test_parse_depth_limit() -> None:
    # max_depth levels of objects, then a scalar: accepted.
    value = parse(nested(5), max_depth=5)
    for _ in range(5):
        value = value['a']
    assert value == 'x'
    # One more level: refused.
    detail = parse_error(nested(6), max_depth=5)
    assert detail == 'The body is nested deeper than 5 levels.'


def test_parse_depth_limit_counts_empty_containers() -> None:
    # As in JSON, where {"a": []} is two levels deep.
    assert parse('<a><b type="list"/></a>', max_depth=2) == {'b': []}
    for body in ['<a><b type="list"/></a>', '<a><b type="object"/></a>']:
        detail = parse_error(body, max_depth=1)
        assert 'nested deeper than 1 levels' in detail
    assert parse('<a type="list"/>', max_depth=1) == []
    assert 'nested deeper' in parse_error('<a type="list"/>', max_depth=0)
    assert parse('<a>x</a>', max_depth=0) == 'x'


def test_parse_depth_limit_of_lists() -> None:
    body = '<a type="list">' * 3 + '</a>' * 3
    assert parse(body, max_depth=3) == [[[]]]
    assert 'nested deeper than 2' in parse_error(body, max_depth=2)


def test_parse_very_deep_documents() -> None:
    body = nested(100_000)
    assert 'nested deeper than 64' in parse_error(body)
    # Unclosed, and deeper than any recursion limit.
    assert 'nested deeper than 64' in parse_error('<a>' * 100_000)
    # Within a (huge) limit, it parses without recursion.
    value = parse(body, max_depth=100_000)
    depth = 0
    while isinstance(value, dict):
        value = value['a']
        depth += 1
    assert (depth, value) == (100_000, 'x')


def test_parse_huge_text() -> None:
    text = 'x' * 8_000_000 + 'é' * 1000
    assert parse(f'<a>{text}</a>') == text
    assert parse(f'<a><entry key="{text}"/></a>') == {text: ''}


def test_parse_many_siblings() -> None:
    body = '<a type="list">' + '<item>1</item>' * 100_000 + '</a>'
    assert parse(body) == ['1'] * 100_000


# -- properties ---------------------------------------------------------------

xml_text = st.text(st.characters(codec='utf-8').filter(is_xml_char))
keys = st.one_of(
    st.sampled_from(
        ['entry', 'item', 'xml', 'XMLx', 'a:b', '', 'a b', 'type', 'nil']
    ),
    st.from_regex(r'[A-Za-z_][A-Za-z0-9._-]{0,5}', fullmatch=True),
    xml_text,
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | xml_text,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=30,
)
any_text = st.lists(
    st.characters()
    | st.sampled_from(
        ['\x00', '\x0b', '\x1f', '\ud800', '\udfff', '\ufffe', '\uffff', '\r']
    )
).map(''.join)


@PROPERTY
@given(value=json_values)
def test_round_trip(value: Any) -> None:
    out = XMLRenderer().dumps(value, None, root='root')
    result = parse(out)
    expected = textify(value)
    assert result == expected
    # Key order is kept, which == on dicts does not check.
    assert json.dumps(result) == json.dumps(expected)
    # Any conforming XML parser reads the output.
    assert ElementTree.fromstring(out).tag == 'root'


@PROPERTY
@given(text=any_text)
def test_round_trip_of_any_string(text: str) -> None:
    assert parse(XMLRenderer().dumps(text, None)) == replaced(text)
    value = {text: [text]}
    result = parse(XMLRenderer().dumps(value, None))
    assert result == {replaced(text): [replaced(text)]}


@PROPERTY
@given(body=st.binary(max_size=300), max_depth=st.integers(0, 70))
def test_parse_arbitrary_bytes(body: bytes, max_depth: int) -> None:
    try:
        parse(body, max_depth)
    except ParseError as error:
        assert error.detail


xml_pieces = st.sampled_from(
    [
        '<a>',
        '</a>',
        '<b>',
        '</b>',
        '<a/>',
        '<item>',
        '</item>',
        '<entry key="k">',
        '<entry>',
        '</entry>',
        '<a type="list">',
        '<a type="object">',
        '<b nil="true">',
        '<b nil="true"/>',
        '<a xmlns="urn:x">',
        '<p:a xmlns:p="urn:p">',
        '</p:a>',
        ' ',
        '\n',
        'text',
        '&amp;',
        '&#0;',
        '&e;',
        '<![CDATA[x]]>',
        '<!-- c -->',
        '<?pi x?>',
        '<?xml version="1.0"?>',
        '<?xml version="1.0" encoding="latin-1"?>',
        '<!DOCTYPE a [<!ENTITY e "x">]>',
        '\ufeff',
        '\x00',
        '\ud800',
        'é',
    ]
)


@PROPERTY
@given(
    pieces=st.lists(xml_pieces, max_size=30),
    max_depth=st.integers(0, 4),
)
def test_parse_arbitrary_xmlish_bytes(
    pieces: list[str], max_depth: int
) -> None:
    body = ''.join(pieces).encode('utf-8', 'surrogatepass')
    try:
        value = parse(body, max_depth)
    except ParseError as error:
        assert error.detail
    else:
        # Whatever parses renders, and parses back the same.
        assert parse(XMLRenderer().dumps(value, None)) == value
