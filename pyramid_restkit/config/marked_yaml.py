"""A YAML loader that keeps positions, for configuration files.

Built on PyYAML's ``SafeLoader``, it:

* keeps the position of every mapping key and value
  (:class:`MarkedMap`, :class:`MarkedList`), so that each error can cite
  ``file:line:column``;
* refuses tags (``!!python/object`` and every other), anchors and
  aliases, duplicate keys and keys that are not strings;
* resolves plain scalars by the YAML 1.2 core schema, as the kit's YAML
  media type does (``no`` and ``2026-01-01`` are strings).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.error import Mark, MarkedYAMLError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, SequenceNode
from yaml.reader import ReaderError

from ..errors import ResourceConfigurationError


class MarkedMap(dict[str, Any]):
    """A YAML mapping that remembers where it and its entries were."""

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class MarkedList(list[Any]):
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

    def construct_marked_map(self, node: MappingNode) -> MarkedMap:
        result = MarkedMap(node.start_mark)
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

    def construct_marked_seq(self, node: SequenceNode) -> MarkedList:
        result = MarkedList(node.start_mark)
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


def _error(
    filename: str, mark: Mark, message: str
) -> ResourceConfigurationError:
    return ResourceConfigurationError(
        f'{filename}:{mark.line + 1}:{mark.column + 1}: {message}'
    )


def start_mark(filename: str) -> Mark:
    return Mark(filename, 0, 0, 0, '', 0)


def load(text: str, filename: str) -> Any:
    """The one document of ``text``; errors cite ``filename:line:column``."""
    try:
        loader = MarkedLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or start_mark(filename)
        raise _error(filename, mark, f'invalid YAML: {exc.problem}') from exc
    except ReaderError as exc:  # a control character, say
        index = exc.position
        line = text.count('\n', 0, index)
        column = index - text.rfind('\n', 0, index) - 1
        where = Mark(filename, index, line, column, '', 0)
        raise _error(filename, where, f'invalid YAML: {exc.reason}') from exc
