"""HTML: a readable, self-contained page for people using a browser.

The page is HTML5 in UTF-8 with a little inline CSS and nothing else: no
script, no external asset, and a ``Content-Security-Policy`` meta element
that allows only its own style sheet, so even a mistake in escaping could
not run a script.  Values are first reduced to JSON data with the rules
and adapters of a :class:`~pyramid_restkit.formats.json.JSONRenderer`,
then shown as:

- a dict: a definition list (``<dl>``) of its keys and values;
- a list: a table when every item is a flat dict (no dict or list values)
  with the same keys, otherwise an ordered list numbered from 0, like the
  dotted names of validation errors (``tags.0``);
- a string: escaped text (line breaks kept); an ``http(s)`` URL is a link;
- ``null``, ``true``, ``false`` and numbers: as in JSON.

Every string (keys, values, the title) is HTML-escaped.  Nesting deeper
than ``max_depth`` levels is shown as compact JSON text instead of more
nested lists.  There is no parser: HTML is an output format only.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Mapping
from typing import Any

from ._base import Adapter, encode_utf8, json_data

# NOTE: the renderer builds on JSONRenderer: values are reduced to JSON
# data by its rules and adapters first.
from .json import JSONRenderer

DEFAULT_TITLE = 'API response'

_STYLE = (
    'body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;'
    'max-width:64rem;padding:0 1rem;color:#1b1b1b;background:#fff}'
    'h1{font-size:1.5rem}'
    'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;'
    'margin:0}'
    'dt{font-weight:600}dd{margin:0}'
    'ol{margin:0;padding-left:2rem}'
    'table{border-collapse:collapse}'
    'th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;'
    'vertical-align:top}'
    'th{background:#f3f3f3}'
    '.s{white-space:pre-wrap}'
    '.n,.b,.null,.empty{font-family:ui-monospace,monospace;color:#555}'
)
_STYLE_HASH = base64.b64encode(
    hashlib.sha256(_STYLE.encode('ascii')).digest()
).decode('ascii')
_CSP = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; "
    "base-uri 'none'; form-action 'none'"
)
_URL = re.compile(r'https?://[^\s<>"\'`]+')


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def page(title: str, content: str) -> bytes:
    """Return the complete HTML document around ``content``.

    ``title`` is escaped here; ``content`` must be HTML already.
    """
    return encode_utf8(
        '<!doctype html>\n'
        '<html lang="en">\n'
        '<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f'<title>{_escape(title)}</title>\n'
        f'<style>{_STYLE}</style>\n'
        '</head>\n'
        '<body>\n'
        '<main>\n'
        f'{content}\n'
        '</main>\n'
        '</body>\n'
        '</html>\n'
    )


def _scalar(value: Any) -> str:
    if value is None:
        return '<span class="null">null</span>'
    if isinstance(value, bool):
        return f'<span class="b">{"true" if value else "false"}</span>'
    if isinstance(value, (int, float)):
        return f'<span class="n">{value!r}</span>'
    text = str(value)
    if not text:
        return '<span class="empty">(empty string)</span>'
    escaped = _escape(text)
    if _URL.fullmatch(text):
        return f'<a href="{escaped}" rel="nofollow noreferrer">{escaped}</a>'
    return f'<span class="s">{escaped}</span>'


def _columns(items: list[Any]) -> list[str] | None:
    """The keys of a list of flat dicts with the same keys, or None."""
    first = items[0]
    if not isinstance(first, dict) or not first:
        return None
    keys = set(first)
    for item in items:
        if not isinstance(item, dict) or set(item) != keys:
            return None
        if any(isinstance(v, (dict, list)) for v in item.values()):
            return None
    return list(first)


def _table(columns: list[str], items: list[dict[str, Any]]) -> str:
    head = ''.join(f'<th scope="col">{_escape(key)}</th>' for key in columns)
    rows = ''.join(
        '<tr>'
        + ''.join(f'<td>{_scalar(item[key])}</td>' for key in columns)
        + '</tr>\n'
        for item in items
    )
    return (
        f'<table>\n<thead><tr>{head}</tr></thead>\n'
        f'<tbody>\n{rows}</tbody>\n</table>'
    )


class HTMLRenderer:
    """Render values as a human-readable HTML page (see the module).

    The option ``title`` (default ``'API response'``) names the page and
    heads it; other options are ignored.  ``json_renderer`` supplies the
    JSON rules and adapters; ``max_depth`` bounds the nesting drawn as
    HTML.
    """

    content_type = 'text/html'

    def __init__(
        self,
        json_renderer: JSONRenderer | None = None,
        max_depth: int = 32,
    ) -> None:
        self.json = json_renderer or JSONRenderer()
        self.max_depth = max_depth

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.json.add_adapter(type_, adapter)

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as an HTML page."""
        title = str(options.get('title') or DEFAULT_TITLE)
        data = json_data(self.json, value, request)
        content = f'<h1>{_escape(title)}</h1>\n{self.render(data)}'
        return page(title, content)

    def dumps_problem(self, value: Mapping[str, Any], request: Any) -> bytes:
        """Render problem details as a page headed by status and title.

        The detail follows as a paragraph, then the validation errors as a
        table, then any other member (``type`` unless ``about:blank``).
        """
        data = json_data(self.json, value, request)
        heading = ' '.join(
            str(data[key]) for key in ('status', 'title') if key in data
        )
        heading = heading or 'Error'
        parts = [f'<h1>{_escape(heading)}</h1>']
        detail = data.get('detail')
        if detail:
            parts.append(f'<p>{_escape(str(detail))}</p>')
        errors = data.get('errors')
        if errors:
            parts.append('<h2>Errors</h2>')
            parts.append(self.render(errors))
        rest = {
            key: member
            for key, member in data.items()
            if key not in ('status', 'title', 'detail', 'errors')
            and not (key == 'type' and member == 'about:blank')
        }
        if rest:
            parts.append(self.render(rest))
        return page(heading, '\n'.join(parts))

    def render(self, data: Any, depth: int = 1) -> str:
        """Return the HTML fragment showing JSON ``data``."""
        if not isinstance(data, (dict, list)):
            return _scalar(data)
        if not data:
            empty = 'object' if isinstance(data, dict) else 'list'
            return f'<span class="empty">(empty {empty})</span>'
        if depth > self.max_depth:
            text = json.dumps(data, ensure_ascii=False, separators=(',', ':'))
            return f'<code class="s">{_escape(text)}</code>'
        if isinstance(data, dict):
            items = ''.join(
                f'<dt>{_escape(key)}</dt>'
                f'<dd>{self.render(member, depth + 1)}</dd>\n'
                for key, member in data.items()
            )
            return f'<dl>\n{items}</dl>'
        columns = _columns(data)
        if columns is not None:
            return _table(columns, data)
        items = ''.join(
            f'<li>{self.render(item, depth + 1)}</li>\n' for item in data
        )
        return f'<ol start="0">\n{items}</ol>'
