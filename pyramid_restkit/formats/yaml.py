"""YAML: a strict YAML 1.2 parser and a block-style renderer.

The parser reads what a JSON body could say, written as YAML, and nothing
more: UTF-8 only, one document, YAML 1.2 (a ``%YAML 1.1`` directive is
refused), no tags, anchors, aliases or merge keys, string keys only, no
duplicate keys, no ``.inf``/``.nan``, no numbers of more than 100 digits,
no surrogate escapes, no nesting beyond ``restkit.max_depth``: each is a
:class:`~pyramid_restkit.errors.ParseError` (a 400), never a 500.  Plain
scalars are resolved by the YAML 1.2 core schema (``no`` and
``2026-01-01`` are strings); an empty body parses to ``None``.  The full
list, with the reasons, is in docs/media.md ("The YAML parser").

The parser walks PyYAML's event stream (libyaml's when PyYAML was built
with it) with an explicit stack instead of composing a node graph, so no
input can exhaust the interpreter's recursion limit, and it stops at the
first level beyond ``max_depth``.  The renderer writes block-style YAML
that a YAML 1.2 core reader (this parser) and a YAML 1.1 reader (PyYAML's
``safe_load``) both read back as the value rendered; see
:class:`YAMLRenderer`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from yaml.events import (
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.representer import SafeRepresenter
from yaml.resolver import Resolver

from ..errors import ParseError
from ..media import ParseOptions
from ._base import (
    MAX_NUMBER_DIGITS,
    Adapter,
    adapt,
    check_finite,
    default_adapters,
    excerpt,
    finite_float,
    key_text,
    too_deep,
    too_many_digits,
    utf8_text,
)

if TYPE_CHECKING:
    # NOTE: the renderer may share the adapters of a JSONRenderer.
    from .json import JSONRenderer

__all__ = ['YAMLRenderer', 'parse_yaml']

_STR_TAG = 'tag:yaml.org,2002:str'
_INT_TAG = 'tag:yaml.org,2002:int'
_SEQ_TAG = 'tag:yaml.org,2002:seq'
_MAP_TAG = 'tag:yaml.org,2002:map'

#: Plain scalars that the YAML 1.2 core schema reads as null or booleans.
_CONSTANTS: dict[str, Any] = {
    **dict.fromkeys(['', '~', 'null', 'Null', 'NULL'], None),
    **dict.fromkeys(['true', 'True', 'TRUE'], True),
    **dict.fromkeys(['false', 'False', 'FALSE'], False),
}

#: The numbers of the YAML 1.2 core schema (section 10.3.2), ASCII only.
_NUMBER = re.compile(
    r'(?P<int>[-+]?[0-9]+)'
    r'|0o(?P<oct>[0-7]+)'
    r'|0x(?P<hex>[0-9a-fA-F]+)'
    r'|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)'
    r'|(?P<special>[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))'
)

#: Plain scalars that some YAML 1.1 readers take for booleans, though
#: PyYAML's resolver (which the emitter consults) does not.
_YAML11_BOOLEANS = frozenset('y Y n N'.split())

#: Line breaks of YAML 1.1 that PyYAML's emitter folds wrongly in quotes.
_NON_ASCII_BREAK = re.compile('[\x85\u2028\u2029]')

#: PyYAML quotes a repr() of an input excerpt in a few messages; longer
#: quotes are cut down to an excerpt.
_QUOTED_INPUT = re.compile(r"'([^'\n]{41,})'")


def _at(mark: Any) -> str:
    """Describe where ``mark`` (a PyYAML or libyaml mark) points."""
    return f' (line {mark.line + 1}, column {mark.column + 1})'


def _is_core_string(text: str) -> bool:
    """Tell whether the plain scalar ``text`` is a string in YAML 1.2 core."""
    return text not in _CONSTANTS and _NUMBER.fullmatch(text) is None


def _resolve(event: ScalarEvent) -> Any:
    """Return the value of a plain scalar by the YAML 1.2 core schema."""
    text = event.value
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    # PERF: most plain scalars are words; only these can start a number.
    if text[0] not in '0123456789+-.':
        return text
    match = _NUMBER.fullmatch(text)
    if match is None:
        return text
    kind = match.lastgroup
    if kind == 'special':
        raise ParseError(
            f'{text} is not a JSON number{_at(event.start_mark)}.'
        )
    if kind == 'int':
        digits = len(text) - (text[0] in '+-')
    elif kind == 'float':
        digits = len(text) - sum(map(text.count, '-+.eE'))
    else:
        digits = len(text) - 2  # 0o or 0x, never signed
    if digits > MAX_NUMBER_DIGITS:
        raise too_many_digits(_at(event.start_mark))
    if kind == 'int':
        return int(text)
    if kind == 'oct':
        return int(text[2:], 8)
    if kind == 'hex':
        return int(text[2:], 16)
    return finite_float(text, _at(event.start_mark))


def _check_node(event: Any) -> None:
    """Refuse the anchor or tag of a scalar or collection event."""
    if event.anchor is not None:
        raise ParseError(
            f'YAML anchors are not allowed{_at(event.start_mark)}.'
        )
    if event.tag is not None:
        raise ParseError(f'YAML tags are not allowed{_at(event.start_mark)}.')


def _scalar(event: ScalarEvent) -> Any:
    _check_node(event)
    if not event.style:  # '' from libyaml, None from PyYAML: plain
        return _resolve(event)
    value = event.value
    if event.style == '"':
        # NOTE: PyYAML's own scanner turns "\ud800" into a lone surrogate,
        # which no UTF-8 response could carry (libyaml refuses it itself).
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:
            raise ParseError(
                f'A string holds a surrogate escape{_at(event.start_mark)}.'
            ) from None
    return value


def _document(get_event: Callable[[], Any], max_depth: int) -> Any:
    """Build the value of one document from its events, without recursion.

    ``stack`` holds the open collections; ``keys`` the key waiting for its
    value in each (None while a mapping waits for a key, and always for a
    sequence).
    """
    stack: list[Any] = []
    keys: list[str | None] = []
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            value = _scalar(event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            _check_node(event)
            if keys and keys[-1] is None and type(stack[-1]) is dict:
                raise ParseError(
                    'Mapping keys must be strings, not collections'
                    f'{_at(event.start_mark)}.'
                )
            if len(stack) >= max_depth:
                raise too_deep(max_depth)
            stack.append({} if kind is MappingStartEvent else [])
            keys.append(None)
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()
            keys.pop()
        else:
            # AliasEvent: the only other event a parser emits in a node.
            raise ParseError(
                f'YAML aliases are not allowed{_at(event.start_mark)}.'
            )
        if not stack:
            return value
        parent = stack[-1]
        if type(parent) is list:
            parent.append(value)
            continue
        key = keys[-1]
        if key is not None:
            parent[key] = value
            keys[-1] = None
            continue
        # ``value`` is a key, hence a scalar: collections were refused.
        where = _at(event.start_mark)
        if type(value) is not str:
            raise ParseError(
                f'Mapping key {excerpt(event.value)!r} is not a string '
                f'(quote it to make it one){where}.'
            )
        if value in parent:
            raise ParseError(f'Duplicate key {excerpt(value)!r}{where}.')
        if value == '<<' and not event.style:
            raise ParseError(
                f'Merge keys (<<) are not allowed; quote the key{where}.'
            )
        keys[-1] = value


def _load(events: Any, max_depth: int) -> Any:
    """Return the value of the single document in ``events``."""
    get_event = events.get_event
    get_event()  # StreamStartEvent
    event = get_event()
    if type(event) is StreamEndEvent:
        return None
    if event.version not in (None, (1, 2)):
        major, minor = event.version
        raise ParseError(
            f'Only YAML 1.2 documents are accepted, not %YAML '
            f'{major}.{minor}{_at(event.start_mark)}.'
        )
    value = _document(get_event, max_depth)
    get_event()  # DocumentEndEvent
    event = get_event()
    if type(event) is not StreamEndEvent:
        raise ParseError(
            'The body holds more than one YAML document'
            f'{_at(event.start_mark)}.'
        )
    return value


def _describe_error(exc: BaseException) -> str:
    """Return the ``detail`` of the ParseError that stands for ``exc``.

    PyYAML's messages quote at most a short excerpt of the input once
    passed through here; positions are 1-based lines and columns.
    """
    if isinstance(exc, yaml.MarkedYAMLError):
        problem = exc.problem or exc.context or 'malformed document'
        problem = _QUOTED_INPUT.sub(lambda m: repr(excerpt(m[1])), problem)
        mark = exc.problem_mark or exc.context_mark
        where = _at(mark) if mark is not None else ''
        return f'Invalid YAML: {problem}{where}.'
    if isinstance(exc, ReaderError):
        return f'Invalid YAML: {exc.reason} (U+{exc.character:04X}).'
    if isinstance(exc, RecursionError):
        return 'The body is nested too deeply to parse.'
    return 'Invalid YAML.'


#: PyYAML's pure-Python event parser (the least of its loaders: only its
#: reader, scanner and parser are used, never its composer).
_PythonParser: Callable[[str], Any] = yaml.BaseLoader

#: Makes the event source of a text: libyaml's ``CParser`` when PyYAML was
#: built with it (``yaml.cyaml`` exists only then), else PyYAML's own.
_EventParser: Callable[[str], Any] = getattr(
    getattr(yaml, 'cyaml', None), 'CParser', _PythonParser
)


#: libyaml (0.2.6 and later, bundled by PyYAML 6.0.3+ wheels) refuses
#: input nested deeper than this many levels with a scanner error of its
#: own.  Its scanner reads ahead while a flow collection might be a key, so
#: that error can come before the event that crosses ``max_depth``.
LIBYAML_MAX_DEPTH = 1000
_LIBYAML_DEPTH_PROBLEM = 'exceeded maximum nesting depth'


def parse_yaml(body: bytes, options: ParseOptions) -> Any:
    """Parse a YAML body strictly; see the module docstring."""
    text = utf8_text(body)
    max_depth = options.max_depth
    try:
        try:
            # NOTE: the parser is built inside the try: PyYAML's reader
            # checks the characters of the whole text in its constructor.
            return _load(_EventParser(text), max_depth)
        except yaml.MarkedYAMLError as exc:
            if exc.problem != _LIBYAML_DEPTH_PROBLEM:
                raise
        # libyaml's own limit was hit: the body is nested deeper than it.
        if max_depth < LIBYAML_MAX_DEPTH:
            raise too_deep(max_depth)
        # A max_depth beyond libyaml's limit is honoured by PyYAML's own
        # parser, which has no limit but ours (and no recursion).
        return _load(_PythonParser(text), max_depth)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ParseError(_describe_error(exc)) from None


# -- renderer -----------------------------------------------------------------


class _Representer(SafeRepresenter, Resolver):
    """What both dumpers (libyaml's and PyYAML's emitter) share.

    Each call of :meth:`YAMLRenderer.dumps` makes its own dumper, so the
    per-call state (``request``, ``adapters``, ``active``) lives on it.
    """

    # Own tables: SafeRepresenter's would write dates as timestamps, sets
    # as !!set and bytes as !!binary; only JSON types are written here.
    yaml_representers: ClassVar[dict[Any, Any]] = {}
    yaml_multi_representers: ClassVar[dict[Any, Any]] = {}

    request: Any = None
    adapters: dict[type, Adapter]
    #: Ids of the collections and adapted objects being written.
    active: set[int]

    def ignore_aliases(self, data: Any) -> bool:
        # NOTE: never write anchors, since the parser refuses them; a
        # shared object is written out each time it occurs.
        return True

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """Resolve like YAML 1.1 and, for strings, like YAML 1.2 core too.

        The serializer asks how a reader would type ``value`` written as a
        plain scalar; a string that either schema reads as something else
        (``yes``, ``0o17``, ``1e5``, ``2026-01-01``, ``''``) is then quoted.
        """
        # types-PyYAML leaves BaseResolver.resolve unannotated.
        tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if (
            kind is ScalarNode
            and implicit[0]
            and tag == _STR_TAG
            and (not _is_core_string(value) or value in _YAML11_BOOLEANS)
        ):
            return _INT_TAG
        return tag

    def _enter(self, data: Any) -> None:
        marker = id(data)
        if marker in self.active:
            raise ValueError('Circular reference detected')
        self.active.add(marker)

    def _represent_str(self, data: str) -> ScalarNode:
        if _NON_ASCII_BREAK.search(data) is None:
            return self.represent_scalar(_STR_TAG, data)
        # NOTE: PyYAML's emitter writes these breaks raw in a single-quoted
        # scalar, where a reader folds them into spaces; double quotes
        # escape them (\N, \L, \P).
        return self.represent_scalar(_STR_TAG, data, style='"')

    def _represent_float(self, data: float) -> ScalarNode:
        check_finite(data)
        # SafeRepresenter writes 1e+16 as 1.0e+16, a float in YAML 1.1 too.
        return self.represent_float(data)

    def _represent_sequence(self, data: Any) -> SequenceNode:
        self._enter(data)
        items = [self.represent_data(item) for item in data]
        self.active.discard(id(data))
        return SequenceNode(_SEQ_TAG, items, flow_style=False)

    def _represent_mapping(self, data: Any) -> MappingNode:
        self._enter(data)
        pairs = [
            (self._represent_str(key_text(key)), self.represent_data(item))
            for key, item in data.items()
        ]
        self.active.discard(id(data))
        return MappingNode(_MAP_TAG, pairs, flow_style=False)

    def _represent_other(self, data: Any) -> Node:
        """Subclasses of JSON types as those types, else adapt ``data``."""
        if isinstance(data, str):
            return self._represent_str(str.__str__(data))
        if isinstance(data, int):
            return self.represent_scalar(_INT_TAG, int.__repr__(data))
        if isinstance(data, float):
            return self._represent_float(float(data))
        if isinstance(data, dict):
            return self._represent_mapping(data)
        if isinstance(data, (list, tuple)):
            return self._represent_sequence(data)
        self._enter(data)
        adapted = adapt(data, self.adapters, self.request, 'YAML')
        node = self.represent_data(adapted)
        self.active.discard(id(data))
        return node


_Representer.add_representer(str, _Representer._represent_str)
_Representer.add_representer(bool, _Representer.represent_bool)
_Representer.add_representer(int, _Representer.represent_int)
_Representer.add_representer(type(None), _Representer.represent_none)
_Representer.add_representer(float, _Representer._represent_float)
_Representer.add_representer(list, _Representer._represent_sequence)
_Representer.add_representer(tuple, _Representer._represent_sequence)
_Representer.add_representer(dict, _Representer._represent_mapping)
_Representer.add_multi_representer(object, _Representer._represent_other)


#: PyYAML's pure-Python emitter with our representers; it also escapes
#: lone surrogates, which libyaml cannot take.
_PythonDumper: type = type(
    '_PythonDumper', (_Representer, yaml.SafeDumper), {}
)
#: The libyaml emitter with our representers when PyYAML has it.
_FastDumper: type = type(
    '_FastDumper',
    (_Representer, getattr(yaml, 'CSafeDumper', yaml.SafeDumper)),
    {},
)


class YAMLRenderer:
    """Render values as a block-style YAML 1.2 document in UTF-8.

    Values are rendered by the rules of
    :class:`~pyramid_restkit.formats.json.JSONRenderer` (its adapters,
    ``__json__(request)``, string keys); :meth:`add_adapter` teaches it
    other types.  NaN and infinities are a :exc:`ValueError`, other types
    a :exc:`TypeError`.

    Keys keep their insertion order.  No tags, anchors or aliases are
    written, and every string that a YAML 1.1 or 1.2 reader would take for
    something else (``no``, ``on``, ``y``, ``null``, ``1.0``, ``0o7``,
    ``2026-01-01``, the empty string) is quoted, so :func:`parse_yaml`
    reads the output back as the value rendered (given JSON types).
    libyaml's emitter (used when PyYAML has it) writes characters beyond
    the Basic Multilingual Plane as ``\\U`` escapes in double quotes.

    ``json_renderer``, if given, lends its adapters: adapters added to
    either renderer then apply to both.
    """

    content_type = 'application/yaml'

    def __init__(self, json_renderer: JSONRenderer | None = None) -> None:
        # NOTE: given a JSON renderer, share its adapters, so that one
        # add_adapter call serves both formats.
        self.adapters: dict[type, Adapter] = (
            default_adapters()
            if json_renderer is None
            else json_renderer.adapters
        )

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.adapters[type_] = adapter

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as YAML bytes (``options`` are ignored)."""
        try:
            return self._dump(_FastDumper, value, request)
        except UnicodeEncodeError:
            # NOTE: libyaml takes text as UTF-8, which a lone surrogate is
            # not; PyYAML's emitter writes it as a "\uD800" escape instead.
            return self._dump(_PythonDumper, value, request)

    def dumps_problem(self, value: Any, request: Any) -> bytes:
        """Render problem details: in YAML they are just the mapping."""
        return self.dumps(value, request)

    def _dump(self, dumper_class: type, value: Any, request: Any) -> bytes:
        stream = io.BytesIO()
        dumper = dumper_class(
            stream,
            default_flow_style=False,
            allow_unicode=True,
            encoding='utf-8',
            sort_keys=False,
        )
        dumper.request = request
        dumper.adapters = self.adapters
        dumper.active = set()
        try:
            dumper.open()
            dumper.represent(value)
            dumper.close()
        finally:
            dumper.dispose()
        return stream.getvalue()
