"""``?fields=id,title,author.name``: sparse representations of GET/HEAD.

Every GET operation is a :class:`FieldsOperation` (decided at commit):
with a ``response_schema``, ``?fields=`` keeps only the fields named
(dotted for nested ones, through lists too), in a plain GET and in the
items of a page; an unknown field, or ``?fields=`` on an operation
without a response schema, is a 400 naming ``fields``.
"""

from __future__ import annotations

from typing import Any

import colander

from ..media import MediaType
from ..streaming import StreamBody, is_stream, render_stream
from ..views import Operation
from . import bad_parameter, query_value

#: A selection: field name -> its sub-selection (``None``: all of it).
Selection = dict[str, Any]


def field_paths(node: Any) -> frozenset[str]:
    """Every dotted field path of a response schema."""
    paths: set[str] = set()

    def walk(node: Any, prefix: str) -> None:
        if isinstance(node.typ, colander.Sequence) and node.children:
            walk(node.children[0], prefix)
        elif isinstance(node.typ, colander.Mapping):
            for child in node.children:
                path = prefix + child.name
                paths.add(path)
                walk(child, path + '.')

    walk(node, '')
    return frozenset(paths)


def select(value: Any, selection: Selection | None) -> Any:
    """``value`` with only the fields of ``selection``."""
    if selection is None:
        return value
    if isinstance(value, list):
        return [select(item, selection) for item in value]
    if isinstance(value, dict):
        return {
            key: select(item, selection[key])
            for key, item in value.items()
            if key in selection
        }
    return value


class Fields:
    """The fields ``?fields=`` may name, of one operation."""

    def __init__(self, paths: frozenset[str] | None) -> None:
        #: ``None``: the operation has no response schema.
        self.paths = paths

    def parse(self, request: Any) -> Selection | None:
        # PERF: most GETs have no ?fields=: do not build request.GET for
        # them (a name written with %-escapes takes the full parse).
        query = request.environ.get('QUERY_STRING')
        if not query or ('fields' not in query and '%' not in query):
            return None
        raw = query_value(request, 'fields')
        if raw is None:
            return None
        if self.paths is None:
            raise bad_parameter(
                'fields', 'fields is not available here (no response schema).'
            )
        selection: Selection = {}
        for path in raw.split(','):
            if path not in self.paths:
                raise bad_parameter(
                    'fields', f'fields: {path[:60]!r} is not a field.'
                )
            _add(selection, path.split('.'))
        return selection


def _add(selection: Selection, parts: list[str]) -> None:
    head, rest = parts[0], parts[1:]
    if head in selection and selection[head] is None:
        return  # the whole field is selected already
    if not rest:
        selection[head] = None
        return
    _add(selection.setdefault(head, {}), rest)


class FieldsOperation(Operation):
    """A GET: ``?fields=`` is parsed before the method runs and applied
    to what the output schema kept."""

    fields: Fields

    def _instance(self, context: Any, request: Any) -> Any:
        request.restkit_fields = self.fields.parse(request)
        return super()._instance(context, request)

    def _render(
        self, request: Any, media: MediaType, result: Any
    ) -> bytes | StreamBody:
        selection = request.restkit_fields
        if selection is None:
            return super()._render(request, media, result)
        # NOTE: a selection implies a response schema, hence an output.
        output: Any = self.output
        if is_stream(result):
            # A streamed collection: each batch of items is filtered by
            # the output, then by the selection.
            return render_stream(
                request,
                media,
                result,
                lambda items: select(output(items), selection),
                self.media_options.get(media.name) or {},
            )
        return self._dump(request, media, select(output(result), selection))

    def _dump(self, request: Any, media: MediaType, body: Any) -> bytes:
        """``body`` (converted already) in ``media``."""
        renderer = media.renderer
        options = self.media_options.get(media.name) or {}
        return renderer.dumps(body, request, **options)  # type: ignore[union-attr]
