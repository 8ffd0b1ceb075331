"""XML: a hardened parser and a renderer, with one mapping both ways.

XML has no numbers, booleans or null, so the mapping below is defined
between XML documents and JSON-like values (dicts, lists, strings,
numbers, booleans, ``None``), and the parser returns strings for every
scalar: a schema coerces them later, as it does form fields.  For any
value ``v`` the renderer accepts, ``parse_xml(dumps(v))`` equals ``v``
with numbers turned into their JSON text and booleans into ``'true'`` or
``'false'``; structure, key order, strings and ``None`` come back as
they were (strings only up to the replacement described under
"Output").

The mapping (``<x>`` stands for any element):

=====================  ==============================================
value                  element
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

The document element is the value itself.  Its name is the ``root``
renderer option (``dumps(value, request, root='post')``), ``response`` by
default; the parser ignores it.

Keys become element names only when they are plain ASCII names
(``[A-Za-z_][A-Za-z0-9._-]*``), do not start with ``xml`` in any case and
are not ``entry``; any other key, the empty one included, is written as
``<entry key="...">``.  ASCII only, because expat (the parser behind
Python's XML modules) still uses the name tables of XML 1.0's fourth
edition and refuses names the fifth edition allows (``<\\u2070/>``,
``<\\U00010000/>``): a non-ASCII name could be written and then refused.
``entry`` itself must take the long form, or ``{'entry': 1}`` would come
back as an entry without a key.

Parsing (:func:`parse_xml`), beyond XML well-formedness:

- ``type="list"`` gives a list of the children's values, whatever the
  children are called (the renderer names them ``item``);
  ``type="object"`` or any child element gives a dict;
  other ``type`` values are refused.
- In an object, a child's name is its key, except ``<entry key="...">``;
  an ``entry`` without ``key`` is refused, and so is a key given twice:
  a repeated element is not read as a list (that guess would make one
  element and two differ in type); ``type="list"`` says it.
- Text besides child elements (mixed content) is refused; whitespace
  between children is layout and ignored.  The text of a scalar is kept
  exactly, leading and trailing whitespace included.
- ``nil="true"`` gives ``None``; the element must then be empty and have
  no ``type``; any other ``nil`` value is refused.
- Other attributes, ``key`` outside an object's ``entry``, and any
  element or attribute in a namespace (``xml:lang`` included) are
  refused: an attribute the mapping does not know would be silently
  lost (a namespace declaration that nothing uses changes nothing and
  passes).  Comments and processing instructions are ignored; CDATA
  sections and character references are text.
- Security: the body must be UTF-8 (an XML declaration or a
  ``charset`` naming another encoding is refused, never honoured, and
  expat is made to read UTF-8 whatever the document says); it is
  parsed by :mod:`defusedxml` with DTDs, entity declarations and
  external references forbidden, so a ``DOCTYPE`` of any kind (billion
  laughs, external entities, an external DTD) is refused before
  anything is expanded or fetched.  Nesting beyond ``max_depth`` levels
  (each list or object is one, as in JSON) stops the parse at the first
  element too deep, with no recursion.

Every failure is a :class:`~pyramid_restkit.errors.ParseError` (a 400)
whose message quotes at most a short excerpt of the input.

Output (:class:`XMLRenderer`): always one well-formed UTF-8 document
starting with ``<?xml version="1.0" encoding="UTF-8"?>``.  Characters XML
1.0 cannot carry at all, even as references (C0 controls other than
tab, line feed and carriage return, lone surrogates, U+FFFE, U+FFFF),
are replaced by U+FFFD: one odd character in server data must not turn
an XML response into a 500 while JSON serves it.  Carriage returns,
and tabs and line feeds in attributes, are written as character
references so that the parser's end-of-line and attribute
normalization cannot alter them.

Problem details (:meth:`XMLRenderer.dumps_problem`) follow RFC 9457,
appendix B: ``<problem xmlns="urn:ietf:rfc:7807">``, each member a child
element, arrays as ``<i>`` children, objects as child elements, without
the ``type`` attributes (the RFC's example has none).
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import uuid
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import ParseError as ExpatError
from xml.parsers.expat import ErrorString

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import (
    DefusedXMLParser,
)

from ..errors import ParseError
from ..media import ParseOptions
from .json import adapt, excerpt

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

    def __init__(self, name: str, key: str | None, kind: str | None) -> None:
        self.name = name
        #: The key under which the value goes in its parent object.
        self.key = key
        #: ``'list'``, ``'object'``, or None while it may be a scalar.
        self.kind = kind
        self.nil = False
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

    def _too_deep(self) -> ParseError:
        return ParseError(
            f'The body is nested deeper than {self.max_depth} levels.'
        )

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        stack = self.stack
        # An element at level n + 1 makes its parent a container at level n.
        if len(stack) > self.max_depth:
            raise self._too_deep()
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
        frame = _Frame(tag, key, kind)
        frame.nil = nil
        stack.append(frame)

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
                raise self._too_deep()
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
    try:
        text = body.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise ParseError(
            f'The body is not valid UTF-8 (byte {exc.start}).'
        ) from None
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


Adapter = Callable[[Any, Any], Any]


def _isoformat(value: Any, request: Any) -> Any:
    return value.isoformat()


def _string(value: Any, request: Any) -> Any:
    return str(value)


def _sorted(value: Any, request: Any) -> Any:
    return sorted(value, key=repr)


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
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    if isinstance(value, int):
        return int.__repr__(value)
    if not math.isfinite(value):
        raise ValueError(f'{value!r} has no JSON or XML number form')
    return float.__repr__(value)


def _key_text(key: Any) -> str:
    """A dict key as text, as :mod:`json` converts keys."""
    if isinstance(key, str):
        return key
    if key is None:
        return 'null'
    if isinstance(key, (int, float)):
        return _scalar(key)
    raise TypeError(
        f'keys must be str, int, float, bool or None, not {type(key).__name__}'
    )


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
        self.adapters: dict[type, Adapter] = {
            datetime.datetime: _isoformat,
            datetime.date: _isoformat,
            datetime.time: _isoformat,
            decimal.Decimal: _string,
            uuid.UUID: _string,
            set: _sorted,
            frozenset: _sorted,
        }

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
            value = self._adapt(value, request)
        raise TypeError(
            f'adapters turned a value into a {type(value).__name__} '
            f'{MAX_ADAPTATIONS} times in a row'
        )

    def _adapt(self, value: Any, request: Any) -> Any:
        return adapt(value, self.adapters, request, 'XML')

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
