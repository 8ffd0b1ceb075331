"""Declarative configuration: resources and media types read from YAML.

``config.load_resources('myapp:api.yaml')`` reads one YAML document,
checks all of it (keys, types, dotted names, path patterns, operation
names) and only then calls ``config.add_media_type`` and
``config.add_resource`` for its entries, exactly as Python code would.
There is no second registration path: conflicts, the introspector,
``proutes`` and ``pviews`` see what they see for Python declarations, and
each call carries ``_info`` pointing at the YAML line, so conflict reports
cite the file and line of the entry.

The file is read by a loader built on PyYAML's ``SafeLoader`` that:

* keeps the position of every mapping key and value, so that each error
  is a :class:`~pyramid_restkit.errors.ResourceConfigurationError` whose
  message starts with ``file:line:column:``;
* refuses tags (``!!python/object`` and every other), anchors and
  aliases, duplicate keys and keys that are not strings;
* resolves plain scalars by the YAML 1.2 core schema, as the kit's YAML
  media type does (``no`` and ``2026-01-01`` are strings).

The format is described in ``docs/yaml.md``.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import yaml
from pyramid.path import AssetResolver, DottedNameResolver
from yaml.error import Mark, MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.reader import ReaderError

from ..decorators import OPERATION_ATTR
from ..errors import ResourceConfigurationError
from ..patterns import pattern_problem
from ..schemas import as_schema
from .options import (
    COLLECTION_VERBS,
    ITEM_VERBS,
    OPTIONS,
    PERMISSION_VERBS,
)

#: Method names an ``operations:`` entry (or a functions module) may use.
METHOD_NAMES = (
    *COLLECTION_VERBS,
    *ITEM_VERBS,
    'collection_options',
    'options',
)


# -- loading -----------------------------------------------------------------


class _Map(dict[str, Any]):
    """A YAML mapping that remembers where it and its entries were."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class _Seq(list[Any]):
    """A YAML sequence that remembers where its items were."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.marks: list[Mark] = []


class MarkedLoader(yaml.SafeLoader):
    """A safe loader recording positions; no tags, anchors or aliases."""

    # NOTE: a fresh table: add_implicit_resolver below would otherwise
    # extend a copy of SafeLoader's YAML 1.1 one (yes/no booleans, dates).
    yaml_implicit_resolvers: dict[Any, Any] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise MarkedYAMLError(
                problem='anchors and aliases are not allowed',
                problem_mark=event.start_mark,
            )
        if event.tag is not None:
            raise MarkedYAMLError(
                problem=f'tags are not allowed: {event.tag!r}',
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_marked_map(self, node: MappingNode) -> _Map:
        result = _Map(node.start_mark)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                # e.g. a status of ``responses``: 404 is an integer
                hint = f" (quote it: '{key}')" if type(key) is int else ''
                raise MarkedYAMLError(
                    problem=f'a key must be a string, not {key!r}{hint}',
                    problem_mark=key_node.start_mark,
                )
            if key in result:
                raise MarkedYAMLError(
                    problem=f'duplicate key {key!r}',
                    problem_mark=key_node.start_mark,
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_marks[key] = key_node.start_mark
            result.value_marks[key] = value_node.start_mark
        return result

    def construct_marked_seq(self, node: SequenceNode) -> _Seq:
        result = _Seq(node.start_mark)
        for item in node.value:
            result.append(self.construct_object(item, deep=True))
            result.marks.append(item.start_mark)
        return result


_CORE = 'tag:yaml.org,2002:'
for _tag, _regex, _first in (
    ('null', r'~|null|Null|NULL|', '~nN'),
    ('bool', r'true|True|TRUE|false|False|FALSE', 'tTfF'),
    ('int', r'[-+]?[0-9]+', '-+0123456789'),
    (
        'float',
        r'[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?',
        '-+0123456789.',
    ),
):
    MarkedLoader.add_implicit_resolver(
        _CORE + _tag,
        re.compile(f'^(?:{_regex})$'),
        [*_first, ''] if _tag == 'null' else list(_first),
    )
MarkedLoader.add_constructor(
    _CORE + 'int', lambda loader, node: int(node.value)
)
MarkedLoader.add_constructor(_CORE + 'map', MarkedLoader.construct_marked_map)
MarkedLoader.add_constructor(_CORE + 'seq', MarkedLoader.construct_marked_seq)


# -- checking ----------------------------------------------------------------


@dataclass
class _Source:
    """The file being read: names positions and resolves dotted names."""

    filename: str
    lines: list[str]
    resolver: DottedNameResolver

    def error(self, mark: Mark, message: str) -> ResourceConfigurationError:
        return ResourceConfigurationError(
            f'{self.filename}:{mark.line + 1}:{mark.column + 1}: {message}'
        )

    def info(self, mark: Mark) -> tuple[str, int, str, str]:
        """The ``_info`` of a directive call: Pyramid's ``ActionInfo``."""
        return (
            self.filename,
            mark.line + 1,
            'load_resources',
            self.lines[mark.line].strip(),
        )


_Checker = Callable[[_Source, Any, Mark, str], Any]

_KINDS = {
    _Map: 'a mapping',
    _Seq: 'a list',
    str: 'a string',
    bool: 'a boolean',
    int: 'an integer',
    float: 'a number',
    type(None): 'null',
}


def _expected(
    src: _Source, mark: Mark, key: str, what: str, value: Any
) -> ResourceConfigurationError:
    return src.error(
        mark, f'{key}: expected {what}, not {_KINDS[type(value)]} {value!r}'
    )


def _string(src: _Source, value: Any, mark: Mark, key: str) -> str:
    if not isinstance(value, str) or not value:
        raise _expected(src, mark, key, 'a non-empty string', value)
    return value


def _boolean(src: _Source, value: Any, mark: Mark, key: str) -> bool:
    if not isinstance(value, bool):
        raise _expected(src, mark, key, 'true or false', value)
    return value


def _strings(src: _Source, value: Any, mark: Mark, key: str) -> list[str]:
    if not isinstance(value, _Seq) or not all(
        isinstance(item, str) for item in value
    ):
        raise _expected(src, mark, key, 'a list of strings', value)
    return list(value)


def _dotted(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    name = _string(src, value, mark, key)
    try:
        return src.resolver.resolve(name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise src.error(
            mark,
            f'{key}: cannot resolve the dotted name {name!r}: '
            f'{type(exc).__name__}: {exc}',
        ) from exc


def _instance(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    found = _dotted(src, value, mark, key)
    if inspect.isclass(found):
        try:
            found = found()
        except TypeError as exc:  # its constructor needs arguments
            raise src.error(
                mark,
                f'{key}: cannot instantiate the class {value!r} with no '
                f'arguments ({exc}); expected a class whose constructor '
                f'takes none, or an instance',
            ) from exc
    if key == 'renderer' and not callable(getattr(found, 'dumps', None)):
        raise src.error(
            mark, f'renderer: {value!r} has no dumps(value, request) method'
        )
    if key == 'parser' and not callable(found):
        raise src.error(mark, f'parser: {value!r} is not callable')
    return found


def _schema(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    found = _dotted(src, value, mark, key)
    try:
        return as_schema(found, f'{key} {value!r}')
    except ResourceConfigurationError as exc:
        raise src.error(mark, str(exc)) from exc


#: What a placeholder name must be: Pyramid wants an ASCII letter or '_'
#: first (route_re), Python's re an identifier.
def _at(src: _Source, mark: Mark, text: str, index: int) -> Mark:
    """The mark of ``text[index]``, ``text`` being the value at ``mark``.

    Exact when the value is written on one line as it is (plain or quoted
    without escapes); the value's own mark otherwise.
    """
    line = src.lines[mark.line]
    for quote in ('', "'", '"'):
        if line.startswith(quote + text, mark.column):
            column = mark.column + len(quote) + index
            return Mark(src.filename, 0, mark.line, column, '', 0)
    return mark


def _pattern(src: _Source, value: Any, mark: Mark, key: str) -> str:
    pattern = _string(src, value, mark, key)
    problem = pattern_problem(pattern)
    if problem is not None:
        index, what, expected = problem
        raise src.error(
            _at(src, mark, pattern, index),
            f'{key}: {what} in the route pattern {pattern!r}; expected '
            f'{expected}',
        )
    return pattern


def _permission(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    if isinstance(value, str) and value:
        return value
    mapping = _mapping(
        src, value, mark, key, 'a permission or a mapping of verbs'
    )
    for verb, permission in mapping.items():
        _check_name(src, mapping, verb.upper(), verb, PERMISSION_VERBS, key)
        _string(src, permission, mapping.value_marks[verb], f'{key}.{verb}')
    return dict(mapping)


def _media_options(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    mapping = _mapping(src, value, mark, key)
    for name, options in mapping.items():
        _mapping(src, options, mapping.value_marks[name], f'{key}.{name}')
    return _plain(mapping)


def _status(src: _Source, value: Any, mark: Mark, key: str) -> int:
    if type(value) is not int or not 200 <= value < 400:
        raise _expected(src, mark, key, 'an integer from 200 to 399', value)
    return value


def _responses(
    src: _Source, value: Any, mark: Mark, key: str
) -> dict[int, str]:
    # NOTE: keys are strings (the loader refuses others): quote them,
    # ``'404': No such post.``
    mapping = _mapping(src, value, mark, key)
    checked = {}
    for status, description in mapping.items():
        if not re.fullmatch('[2-5][0-9][0-9]', status):
            raise src.error(
                mapping.key_marks[status],
                f'{key}: expected an HTTP status (200-599) as key, not '
                f'{status!r}',
            )
        where = mapping.value_marks[status], f'{key}.{status}'
        checked[int(status)] = _string(src, description, *where)
    return checked


def _version(src: _Source, value: Any, mark: Mark, key: str) -> int:
    if type(value) is not int or value != 1:
        raise _expected(src, mark, key, '1', value)
    return value


def _plain(value: Any) -> Any:
    """Plain dicts and lists, for values handed over to renderers."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _mapping(
    src: _Source, value: Any, mark: Mark, key: str, what: str = 'a mapping'
) -> _Map:
    if not isinstance(value, _Map):
        raise _expected(src, mark, key, what, value)
    return value


def _check_name(
    src: _Source, mapping: _Map, name: str, key: str, allowed: Any, what: str
) -> None:
    """Refuse ``name`` (written as ``key``) unless ``allowed`` has it."""
    if name not in allowed:
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f'; did you mean {close[0]!r}?' if close else ''
        raise src.error(
            mapping.key_marks[key],
            f'{what}: unknown key {key!r}{hint} (expected one of '
            f'{", ".join(sorted(allowed))})',
        )


def _fields(
    src: _Source,
    value: Any,
    mark: Mark,
    what: str,
    spec: Mapping[str, _Checker],
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Check a mapping against ``spec``; return the converted values."""
    mapping = _mapping(src, value, mark, what)
    for key in mapping:
        if key in OPERATION_SPEC and key not in spec:
            raise src.error(
                mapping.key_marks[key],
                f'{what}: {key!r} is an option of one operation; expected '
                f'it under operations, as in {{get: {{{key}: ...}}}}',
            )
        _check_name(src, mapping, key, key, spec, what)
    for key in required:
        if key not in mapping:
            raise src.error(mapping.mark, f'{what}: missing key {key!r}')
    return {
        key: spec[key](src, item, mapping.value_marks[key], key)
        for key, item in mapping.items()
    }


def _operations(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    mapping = _mapping(src, value, mark, key)
    checked = []
    for attr, options in mapping.items():
        _check_name(src, mapping, attr, attr, METHOD_NAMES, key)
        where = mapping.value_marks[attr], f'{key}.{attr}'
        options = _fields(src, options, *where, OPERATION_SPEC)
        checked.append((attr, mapping.key_marks[attr], options))
    return checked


#: The YAML reader of each kind of option value (the options table,
#: :data:`~pyramid_restkit.config.options.OPTIONS`, names the kinds);
#: ``add_resource`` then checks the values read as it checks Python's.
_OPTION_READERS: dict[str, _Checker] = {
    'schema': _schema,
    'string': _string,
    'strings': _strings,
    'names': _strings,
    'permission': _permission,
    'media_options': _media_options,
    'responses': _responses,
    'boolean': _boolean,
    'status': _status,
}
#: Checkers of the options every operation of a resource shares.
OPTION_SPEC: dict[str, _Checker] = {
    option.name: _OPTION_READERS[option.kind]
    for option in OPTIONS
    if option.scope == 'resource'
}
OPERATION_SPEC = {
    option.name: _OPTION_READERS[option.kind] for option in OPTIONS
}
DEFAULTS_SPEC = {**OPTION_SPEC, 'factory': _dotted}
RESOURCE_SPEC: dict[str, _Checker] = {
    **DEFAULTS_SPEC,
    **dict.fromkeys(('class', 'module'), _dotted),
    **dict.fromkeys(('collection_path', 'path'), _pattern),
    'name': _string,
    'operations': _operations,
}
MEDIA_TYPE_SPEC: dict[str, _Checker] = {
    **dict.fromkeys(('name', 'media_type', 'problem_type'), _string),
    **dict.fromkeys(('renderer', 'parser'), _instance),
    **dict.fromkeys(('suffixes', 'input_types', 'charsets'), _strings),
    **dict.fromkeys(('typed', 'parse_opt_in', 'default_enabled'), _boolean),
}


def _entries(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    if not isinstance(value, _Seq):
        raise _expected(src, mark, key, 'a list', value)
    return list(zip(value, value.marks, strict=True))


def _defaults(src: _Source, value: Any, mark: Mark, key: str) -> Any:
    return _fields(src, value, mark, key, DEFAULTS_SPEC)


DOCUMENT_SPEC: dict[str, _Checker] = {
    'version': _version,
    'defaults': _defaults,
    'media_types': _entries,
    'resources': _entries,
}


# -- classes -----------------------------------------------------------------


def _functions_class(module: ModuleType) -> type:
    """A resource class whose methods call ``module``'s functions."""

    def __init__(self: Any, request: Any) -> None:
        self.request = request

    def method(function: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(function)
        def call(self: Any) -> Any:
            return function(self.request)

        return call

    name = module.__name__.rpartition('.')[2]
    namespace: dict[str, Any] = {
        attr: method(getattr(module, attr))
        for attr in METHOD_NAMES
        if callable(getattr(module, attr, None))
    }
    namespace.update(
        __init__=__init__,
        __module__=module.__name__,
        __qualname__=name,
        __doc__=module.__doc__,
    )
    return type(name, (), namespace)


def _with_operations(cls: type, operations: dict[str, Any]) -> type:
    """A subclass of ``cls`` whose methods carry ``operations``' options.

    The user's class is left alone: each overriding method calls the
    inherited one through ``super()`` and carries, as ``@operation`` would
    set them, the inherited method's options updated with the YAML ones.
    """

    def override(attr: str, options: dict[str, Any]) -> Any:
        inherited = getattr(cls, attr)

        @functools.wraps(inherited)
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(super(subclass, self), attr)(*args, **kwargs)

        own = getattr(inherited, OPERATION_ATTR, {})
        setattr(method, OPERATION_ATTR, {**own, **options})
        return method

    namespace = {
        attr: override(attr, options) for attr, options in operations.items()
    }
    namespace.update(
        __module__=cls.__module__,
        __qualname__=cls.__qualname__,
        __doc__=cls.__doc__,
    )
    subclass = type(cls.__name__, (cls,), namespace)
    return subclass


def _resource(
    src: _Source, value: Any, mark: Mark, defaults: dict[str, Any]
) -> tuple[type, dict[str, Any]]:
    """Check one ``resources`` entry: the class and ``add_resource`` args."""
    fields = _fields(src, value, mark, 'resource', RESOURCE_SPEC)
    entry: _Map = value
    if ('class' in fields) == ('module' in fields):
        raise src.error(
            entry.mark, "resource: expected either 'class' or 'module'"
        )
    if 'collection_path' not in fields and 'path' not in fields:
        raise src.error(
            entry.mark,
            "resource: expected 'collection_path', 'path' or both",
        )
    kind = 'class' if 'class' in fields else 'module'
    found = fields.pop(kind)
    if not (inspect.isclass if kind == 'class' else inspect.ismodule)(found):
        raise src.error(
            entry.value_marks[kind], f'{kind}: {entry[kind]!r} is not a {kind}'
        )
    cls = found if kind == 'class' else _functions_class(found)
    operations = {}
    for attr, attr_mark, options in fields.pop('operations', ()):
        if not callable(getattr(cls, attr, None)):
            raise src.error(
                attr_mark,
                f'operations: {cls.__qualname__} has no method {attr!r}',
            )
        operations[attr] = options
    if operations:
        cls = _with_operations(cls, operations)
    return cls, {**defaults, **fields}


# -- the directive -----------------------------------------------------------


def _read(spec: str, package: Any) -> tuple[str, str, Any]:
    descriptor = AssetResolver(package).resolve(spec)
    filename: str = descriptor.abspath()
    try:
        with open(filename, encoding='utf-8') as stream:
            text = stream.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ResourceConfigurationError(
            f'{filename}: cannot read {spec!r}: {exc}'
        ) from exc
    # NOTE: dotted names are relative to the package holding the file; a
    # plain file system path has none, so the configurator's stands in.
    return filename, text, getattr(descriptor, 'pkg_name', package)


def _start(filename: str) -> Mark:
    return Mark(filename, 0, 0, 0, '', 0)


def _load(src: _Source, text: str) -> Any:
    try:
        loader = MarkedLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or _start(src.filename)
        raise src.error(mark, f'invalid YAML: {exc.problem}') from exc
    except ReaderError as exc:  # a control character, say
        index = exc.position
        line = text.count('\n', 0, index)
        column = index - text.rfind('\n', 0, index) - 1
        where = Mark(src.filename, index, line, column, '', 0)
        raise src.error(where, f'invalid YAML: {exc.reason}') from exc


def load_resources(config: Any, spec: str) -> None:
    """Register the media types and resources declared in a YAML file.

    ``spec`` is an asset specification (``'myapp:api.yaml'``) or a path
    (relative to the configurator's package, or absolute).  Dotted names
    in the file are relative to the package holding it
    (``.views.Posts``).  The whole document is checked before anything is
    registered; then each entry goes through ``config.add_media_type`` or
    ``config.add_resource``, whose conflicts and errors cite the YAML file
    and line.  Every error is a
    :class:`~pyramid_restkit.errors.ResourceConfigurationError` whose
    message starts with ``file:line:column:``.  This is not an action
    itself: register it with ``action_wrap=False``.  Example::

        config.load_resources('myapp:api.yaml')

    .. versionadded:: 0.1
    """
    filename, text, package = _read(spec, config.package)
    src = _Source(filename, text.splitlines(), DottedNameResolver(package))
    document = _load(src, text)
    start = _start(filename)
    fields = _fields(src, document, start, 'document', DOCUMENT_SPEC)
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any], Mark]] = []
    for item, mark in fields.get('media_types', ()):
        required = ('name', 'media_type')
        what = 'media type'
        options = _fields(src, item, mark, what, MEDIA_TYPE_SPEC, required)
        calls.append(('add_media_type', (), options, mark))
    defaults = fields.get('defaults', {})
    for item, mark in fields.get('resources', ()):
        cls, options = _resource(src, item, mark, defaults)
        calls.append(('add_resource', (cls,), options, mark))
    for directive, args, options, mark in calls:
        try:
            getattr(config, directive)(*args, _info=src.info(mark), **options)
        except ResourceConfigurationError as exc:
            raise src.error(mark, str(exc)) from exc
