"""XML: a hardened parser and a renderer, with one mapping both ways.

``docs/xml.md`` describes the mapping, the parser's rules and the output
in full, with the reason for each choice; in short:

XML has no numbers, booleans or null, so the mapping is defined between
XML documents and JSON-like values, and the parser returns strings for
every scalar (a schema coerces them, as it does form fields):
``parse_xml(dumps(v))`` is ``v`` with numbers turned into their JSON text
and booleans into ``'true'`` or ``'false'``.

=====================  ==============================================
value                  element (``<x>`` stands for any element)
=====================  ==============================================
``None``               ``<x nil="true"/>``
``''``                 ``<x/>``
other strings          ``<x>text</x>``
``True`` / ``False``   ``<x>true</x>`` / ``<x>false</x>``
numbers                ``<x>`` + their JSON text + ``</x>``
``{}``                 ``<x type="object"/>``
``{'a': 1}``           ``<x><a>1</a></x>``, one child per key, in order
``{'a b': 1}``         ``<x><entry key="a b">1</entry></x>``
``[]``                 ``<x type="list"/>``
``[1, 2]``             ``<x type="list"><item>1</item><item>2</item></x>``
=====================  ==============================================

The document element is the value; its name is the ``root`` renderer
option (``response`` by default), which the parser ignores.  A key is an
element name if :func:`is_element_name` says so, else ``<entry>``.

:func:`parse_xml` refuses what the mapping does not say (other attributes
or types, namespaces, mixed content, a key given twice: a repeated element
is not a list), any ``DOCTYPE`` (:mod:`defusedxml`: no entity is expanded,
nothing fetched), encodings other than UTF-8 and nesting beyond
``max_depth``, each as a :class:`~pyramid_restkit.errors.ParseError`.
:class:`XMLRenderer` writes one well-formed UTF-8 document, replacing the
characters XML 1.0 cannot carry by U+FFFD (one odd character in server
data must not make a 500 of a response JSON serves); problem details
follow RFC 9457, appendix B.
"""

from __future__ import annotations

import math
import re
from typing import Any
from xml.etree.ElementTree import ParseError as ExpatError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ..errors import ParseError
from ..media import ParseOptions
from ._base import (
    Adapter,
    adapt,
    default_adapters,
    excerpt,
    key_text,
    number_text,
    too_deep,
    utf8_text,
)

#: The name of the document element when ``root`` is not given.
DEFAULT_ROOT = 'response'

#: The namespace of RFC 9457 problem details in XML.
PROBLEM_NAMESPACE = 'urn:ietf:rfc:7807'

DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

#: How many adapters may apply in a row to one value before giving up.
MAX_ADAPTATIONS = 32

#: XML's whitespace (``str.strip()`` would also strip U+00A0 and others).
XML_SPACE = ' \t\n\r'

_NAME = re.compile(r'[A-Za-z_][A-Za-z0-9._-]*')
#: What XML 1.0 cannot carry, not even as a character reference.
_NOT_XML = re.compile('[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]')
#: The encoding named by an XML declaration (XML 1.0, production 23).
_ENCODING = re.compile(
    rb'(?:\xef\xbb\xbf)?<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*'
    rb'(?:"[^"]*"|\'[^\']*\')[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*'
    rb'(?:"([^"]*)"|\'([^\']*)\')'
)
_LIST = 'list'
_OBJECT = 'object'


def is_element_name(name: str) -> bool:
    """Tell whether the renderer writes key ``name`` as an element name.

    True for ASCII XML names that do not start with ``xml`` (reserved by
    the XML specification) and are not ``entry``; other keys are written
    as ``<entry key="name">``.
    """
    return (
        _NAME.fullmatch(name) is not None
        and name[:3].lower() != 'xml'
        and name != 'entry'
    )


# -- parsing ------------------------------------------------------------------


class _Frame:
    """An element being parsed."""

    __slots__ = ('key', 'kind', 'name', 'nil', 'text', 'value')

    def __init__(
        self, name: str, key: str | None, kind: str | None, nil: bool
    ) -> None:
        self.name = name
        #: The key under which the value goes in its parent object.
        self.key = key
        #: ``'list'``, ``'object'``, or None while it may be a scalar.
        self.kind = kind
        self.nil = nil
        self.text: list[str] = []
        #: The list or dict of a container, filled child by child.
        self.value: Any = None if kind is None else [] if kind == _LIST else {}


def _name(tag: str) -> str:
    return '<' + excerpt(tag, 30) + '>'


class _Builder:
    """An ElementTree parser target that builds the value as it goes.

    Nothing is built twice and nothing recurses: each element is a
    :class:`_Frame` on a stack, closed into its parent at its end tag.
    """

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.stack: list[_Frame] = []
        self.result: Any = None

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        stack = self.stack
        # An element at level n + 1 makes its parent a container at level n.
        if len(stack) > self.max_depth:
            raise too_deep(self.max_depth)
        if tag.startswith('{'):
            raise ParseError(
                f'The element {_name(tag)} is in a namespace; XML '
                'namespaces are not supported.'
            )
        key = None
        if stack:
            parent = stack[-1]
            if parent.nil:
                raise ParseError(
                    f'The element {_name(parent.name)} has nil="true" '
                    'and content.'
                )
            if parent.kind is None:
                parent.kind = _OBJECT
                parent.value = {}
            if parent.kind == _OBJECT:
                key = self._key(tag, attrib, parent)
        kind = None
        nil = False
        for name, value in attrib.items():
            if name == 'type':
                if value not in (_LIST, _OBJECT):
                    raise ParseError(
                        f'The element {_name(tag)} has type='
                        f'{excerpt(value, 20)!r}; the types are "list" '
                        'and "object".'
                    )
                kind = value
            elif name == 'nil':
                if value != 'true':
                    raise ParseError(
                        f'The element {_name(tag)} has nil='
                        f'{excerpt(value, 20)!r}; only "true" is allowed.'
                    )
                nil = True
            elif name.startswith('{'):
                raise ParseError(
                    f'The element {_name(tag)} has an attribute in a '
                    'namespace; XML namespaces are not supported.'
                )
            else:
                raise ParseError(
                    f'The element {_name(tag)} has the unknown attribute '
                    f'{excerpt(name, 30)!r}.'
                )
        if nil and kind is not None:
            raise ParseError(
                f'The element {_name(tag)} has both nil and type.'
            )
        stack.append(_Frame(tag, key, kind, nil))

    def _key(self, tag: str, attrib: dict[str, str], parent: _Frame) -> str:
        if tag == 'entry':
            key = attrib.pop('key', None)
            if key is None:
                raise ParseError('An <entry> element needs a key attribute.')
        else:
            key = tag
        if key in parent.value:
            raise ParseError(
                f'The key {excerpt(key, 30)!r} appears twice in '
                f'{_name(parent.name)}; send a list as type="list" with '
                'one <item> per element.'
            )
        return key

    def data(self, text: str) -> None:
        self.stack[-1].text.append(text)

    def end(self, tag: str) -> None:
        stack = self.stack
        frame = stack.pop()
        text = ''.join(frame.text)
        if frame.nil:
            if text:
                raise ParseError(
                    f'The element {_name(tag)} has nil="true" and content.'
                )
            value: Any = None
        elif frame.kind is None:
            value = text
        else:
            if text.strip(XML_SPACE):
                raise ParseError(
                    f'The element {_name(tag)} mixes text and child '
                    'elements; put the text in an element of its own.'
                )
            # An empty list or object counts as a level too.
            if len(stack) >= self.max_depth:
                raise too_deep(self.max_depth)
            value = frame.value
        if not stack:
            self.result = value
        elif frame.key is None:
            stack[-1].value.append(value)
        else:
            stack[-1].value[frame.key] = value

    def close(self) -> Any:
        return self.result


def parse_xml(body: bytes, options: ParseOptions) -> Any:
    """Parse an XML body into a value; see the module docstring.

    :param body: the request body, which must be UTF-8.
    :param options: ``max_depth`` limits nesting; a ``charset`` other
        than UTF-8 is refused.
    :raises ~pyramid_restkit.errors.ParseError: for anything but one
        well-formed document that follows the mapping.
    """
    if options.charset not in (None, 'utf-8'):
        raise ParseError(
            f'The charset {excerpt(options.charset, 20)!r} is not '
            'accepted; send XML in UTF-8.'
        )
    # The declaration first: a body in another encoding is then told why.
    declared = _ENCODING.match(body)
    if declared is not None:
        encoding = declared.group(1) or declared.group(2) or b''
        if encoding.lower() != b'utf-8':
            name = encoding.decode('utf-8', 'replace')
            raise ParseError(
                f'The XML declaration names the encoding '
                f'{excerpt(name, 20)!r}; only UTF-8 is accepted.'
            )
    text = utf8_text(body)
    builder = _Builder(options.max_depth)
    parser = DefusedXMLParser(
        target=builder,
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    )
    # NOTE: a str is fed so that expat reads UTF-8 whatever the document
    # declares; the declaration was checked above.
    try:
        parser.feed(text)
        return parser.close()
    except DefusedXmlException:
        raise ParseError(
            'Document type declarations (DOCTYPE), entity declarations '
            'and external references are not allowed.'
        ) from None
    except ExpatError as exc:
        line, column = exc.position
        raise ParseError(
            f'Invalid XML: {ErrorString(exc.code)} (line {line}, '
            f'column {column}).'
        ) from None


# -- rendering ----------------------------------------------------------------


def _clean(text: str) -> str:
    # PERF: most strings hold only allowed characters; search first.
    if _NOT_XML.search(text) is not None:
        return _NOT_XML.sub('\ufffd', text)
    return text


def escape_text(text: str) -> str:
    """Return ``text`` as element content.

    Characters XML 1.0 cannot carry become U+FFFD; a carriage return is a
    reference, since a parser turns a literal one into a line feed.
    """
    return (
        _clean(text)
        .replace('&', '&amp;')
        .replace('<', '&lt;')
        .replace('>', '&gt;')
        .replace('\r', '&#13;')
    )


def escape_attribute(text: str) -> str:
    """Return ``text`` for a double-quoted attribute value.

    As :func:`escape_text`, and tabs and line feeds are references too,
    since attribute normalization would turn them into spaces.
    """
    return (
        escape_text(text)
        .replace('"', '&quot;')
        .replace('\n', '&#10;')
        .replace('\t', '&#9;')
    )


def _scalar(value: bool | int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f'{value!r} has no JSON or XML number form')
    return number_text(value)


def _key_text(key: Any) -> str:
    """A dict key as text, as :mod:`json` converts keys."""
    # NOTE: a float goes through _scalar for XML's message about NaN.
    return _scalar(key) if isinstance(key, float) else key_text(key)


def _check_root(root: str) -> str:
    if not is_element_name(root) and root != 'entry':
        raise ValueError(
            f'{root!r} cannot be the name of the XML root element: use '
            'ASCII letters, digits, "_", "-" and "." and do not start '
            'with "xml"'
        )
    return root


class XMLRenderer:
    """Render values as UTF-8 XML documents following the module mapping.

    ``datetime``, ``date`` and ``time`` become ISO 8601 text, ``Decimal``
    and ``UUID`` their string form, sets sorted lists, tuples lists; an
    object with a ``__json__(request)`` method is rendered as what it
    returns, and :meth:`add_adapter` teaches it other types: the same
    conventions as :class:`~pyramid_restkit.formats.json.JSONRenderer`,
    so a value renders alike in both formats.

    :param root: the default name of the document element, overridden
        per call by the ``root`` option.
    """

    content_type = 'application/xml'

    def __init__(self, root: str = DEFAULT_ROOT) -> None:
        self.root = _check_root(root)
        self.adapters: dict[type, Adapter] = default_adapters()

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``.

        The adapter may return any value the renderer accepts, a dict or
        a list included; the most specific class in the MRO wins.
        """
        self.adapters[type_] = adapter

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as an XML document.

        :param root: the name of the document element (default: the
            renderer's ``root``); other options are ignored.
        :raises TypeError: for a value of a type with no adapter.
        :raises ValueError: for a circular structure, NaN or infinity,
            or a ``root`` that is not a plain ASCII name.
        """
        root = options.get('root')
        root = self.root if root is None else _check_root(root)
        return self._document(value, request, root, '', 'item', True)

    def dumps_problem(self, value: Any, request: Any) -> bytes:
        """Return problem details as ``application/problem+xml``.

        RFC 9457 appendix B: the ``problem`` element in the
        ``urn:ietf:rfc:7807`` namespace, one child element per member,
        array elements as ``<i>`` children.
        """
        attributes = f' xmlns="{PROBLEM_NAMESPACE}"'
        return self._document(
            value, request, 'problem', attributes, 'i', False
        )

    def _native(self, value: Any, request: Any) -> Any:
        """Apply adapters until ``value`` is a type the mapping knows."""
        for _ in range(MAX_ADAPTATIONS):
            if value is None or isinstance(
                value, (str, int, float, dict, list, tuple)
            ):
                return value
            value = adapt(value, self.adapters, request, 'XML')
        raise TypeError(
            f'adapters turned a value into a {type(value).__name__} '
            f'{MAX_ADAPTATIONS} times in a row'
        )

    def _document(
        self,
        value: Any,
        request: Any,
        root: str,
        root_attributes: str,
        item: str,
        typed: bool,
    ) -> bytes:
        """Write the document without recursion.

        ``typed`` adds the ``type`` attributes of the mapping; problem
        details leave them out.  ``todo`` holds elements still to write,
        ``(name, attributes, value)``, and end tags, ``(end tag, None,
        container)``; ``open_ids`` are the ids of the containers being
        written, to catch a structure that contains itself.
        """
        out = [DECLARATION]
        todo: list[tuple[str, str | None, Any]] = [
            (root, root_attributes, value)
        ]
        open_ids: set[int] = set()
        empty_list = ' type="list"' if typed else ''
        empty_object = ' type="object"' if typed else ''
        while todo:
            name, attributes, value = todo.pop()
            if attributes is None:
                out.append(name)
                open_ids.discard(id(value))
                continue
            value = self._native(value, request)
            if value is None:
                out.append(f'<{name}{attributes} nil="true"/>')
                continue
            if isinstance(value, dict):
                children = [
                    (key, '', child)
                    if is_element_name(key)
                    else ('entry', f' key="{escape_attribute(key)}"', child)
                    for key, child in (
                        (_key_text(key), child) for key, child in value.items()
                    )
                ]
                opening, empty = '', empty_object
            elif isinstance(value, (list, tuple)):
                children = [(item, '', child) for child in value]
                opening = empty = empty_list
            else:
                if isinstance(value, str):
                    text = escape_text(value)
                else:
                    text = _scalar(value)
                if text:
                    out.append(f'<{name}{attributes}>{text}</{name}>')
                else:
                    out.append(f'<{name}{attributes}/>')
                continue
            if not children:
                out.append(f'<{name}{attributes}{empty}/>')
                continue
            ident = id(value)
            if ident in open_ids:
                raise ValueError('Circular reference detected')
            open_ids.add(ident)
            out.append(f'<{name}{attributes}{opening}>')
            # NOTE: the end tag task keeps the container alive, so that its
            # id cannot be reused by a value an adapter makes meanwhile.
            todo.append((f'</{name}>', None, value))
            todo.extend(reversed(children))
        return ''.join(out).encode('utf-8')
