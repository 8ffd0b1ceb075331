"""MessagePack: JSON's data model in a binary encoding (optional extra).

Needs the ``msgpack`` package (``pip install pyramid_restkit[msgpack]``),
imported only when a renderer is built or a body parsed; without it
:func:`import_msgpack` raises an ``ImportError`` that says what to
install.  Register it with::

    config.add_media_type('msgpack', MSGPACK_TYPE,
                          renderer=MsgpackRenderer(), parser=parse_msgpack,
                          input_types=MSGPACK_TYPES, suffixes=('.msgpack',))

Both directions keep to what JSON can say, so a resource behaves the same
in either format:

- the renderer reduces values with the rules and adapters of a
  :class:`~pyramid_restkit.formats.json.JSONRenderer` (dates become ISO
  8601 strings, ``Decimal`` and ``UUID`` strings) and refuses NaN and
  infinities with ``ValueError``, although MessagePack could carry them;
  integers beyond MessagePack's 64 bits (below ``-2**63`` or above
  ``2**64 - 1``), which JSON carries, are written as decimal strings
  rather than failing;
- the parser accepts maps with string keys (no duplicates), arrays,
  strings, integers, finite floats, booleans and nil; binary data,
  extension types (timestamps included), NaN and infinities, nesting
  beyond ``max_depth``, invalid UTF-8, truncated input and trailing bytes
  are each a :class:`~pyramid_restkit.errors.ParseError`.

No length in the input can make the parser allocate more than the body's
size: every ``max_*_len`` limit of ``msgpack.unpackb`` is derived from it.
"""

from __future__ import annotations

import importlib
import math
from typing import Any

from ..errors import ParseError
from ..media import ParseOptions
from ._base import Adapter, json_data, unique_keys, walk

# NOTE: the renderer builds on JSONRenderer: values are reduced to JSON
# data by its rules and adapters first.
from .json import JSONRenderer

#: The media type of responses (the most common name; none is registered).
MSGPACK_TYPE = 'application/msgpack'
#: The content types the parser is meant for.
MSGPACK_TYPES = (
    'application/msgpack',
    'application/x-msgpack',
    'application/vnd.msgpack',
)

INSTALL_HINT = 'pip install pyramid_restkit[msgpack]'


def import_msgpack() -> Any:
    """Return the ``msgpack`` module, or explain how to install it."""
    try:
        return importlib.import_module('msgpack')
    except ImportError as exc:
        raise ImportError(
            f'MessagePack support needs the msgpack package: {INSTALL_HINT}'
        ) from exc


def _extension_error() -> ParseError:
    return ParseError('MessagePack extension types are not allowed.')


def _pairs(pairs: list[tuple[Any, Any]]) -> dict[str, Any]:
    for key, _ in pairs:
        if not isinstance(key, str):
            raise ParseError('A map key is not a string.')
    return unique_keys(pairs)


def _refuse_extension(code: int, data: bytes) -> Any:
    raise _extension_error()


def _check_scalar(item: Any) -> None:
    if isinstance(item, float):
        if not math.isfinite(item):
            raise ParseError('NaN and infinite numbers are not allowed.')
    elif isinstance(item, bytes):
        raise ParseError('Binary data is not allowed; send strings.')
    elif item is not None and not isinstance(item, (str, int)):
        # A timestamp: msgpack decodes it itself, without the ext_hook.
        raise _extension_error()


def parse_msgpack(body: bytes, options: ParseOptions) -> Any:
    """Parse one MessagePack value holding JSON data only.

    See the module docstring; raises ``ImportError`` (a server
    configuration problem, not bad input) when msgpack is missing.
    """
    msgpack = import_msgpack()
    size = len(body)
    try:
        value = msgpack.unpackb(
            body,
            raw=False,
            strict_map_key=True,
            use_list=True,
            object_pairs_hook=_pairs,
            ext_hook=_refuse_extension,
            max_str_len=size,
            max_bin_len=size,
            max_array_len=size,
            max_map_len=size // 2,
            max_ext_len=size,
        )
    except msgpack.StackError:
        raise ParseError('The body is nested too deeply to parse.') from None
    except msgpack.ExtraData:
        raise ParseError('The body has bytes after its value.') from None
    except msgpack.FormatError:
        raise ParseError('Invalid MessagePack: a reserved byte.') from None
    except UnicodeDecodeError:
        raise ParseError('A string is not valid UTF-8.') from None
    except ValueError as exc:
        # NOTE: msgpack raises a plain ValueError for truncated input, a
        # refused map key or a malformed timestamp; only its message tells
        # them apart, so it only picks the wording.
        reason = str(exc)
        if 'incomplete' in reason:
            raise ParseError('The body is truncated.') from None
        if 'map key' in reason:
            raise ParseError('A map key is not a string.') from None
        raise ParseError('Invalid MessagePack.') from None
    walk(value, options.max_depth, _check_scalar)
    return value


class MsgpackRenderer:
    """Render values as MessagePack, with JSON's rules (see the module).

    Building one imports msgpack, so a missing package is reported when
    the application is configured rather than at the first request.
    """

    content_type = MSGPACK_TYPE

    def __init__(self, json_renderer: JSONRenderer | None = None) -> None:
        self._msgpack = import_msgpack()
        self.json = json_renderer or JSONRenderer()

    def add_adapter(self, type_: type, adapter: Adapter) -> None:
        """Render instances of ``type_`` as ``adapter(obj, request)``."""
        self.json.add_adapter(type_, adapter)

    def dumps(self, value: Any, request: Any, **options: Any) -> bytes:
        """Return ``value`` as MessagePack bytes (``options`` are ignored)."""
        data = json_data(self.json, value, request)
        try:
            packed: bytes = self._msgpack.packb(data, use_bin_type=True)
        except OverflowError:
            # PERF: rare, so the data is walked only when packing failed.
            packed = self._msgpack.packb(_big_ints(data), use_bin_type=True)
        return packed


#: The integers MessagePack can carry.
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1


def _big_ints(data: Any) -> Any:
    """``data`` (JSON data) with integers beyond 64 bits as strings."""
    if isinstance(data, dict):
        return {key: _big_ints(item) for key, item in data.items()}
    if isinstance(data, list):
        return [_big_ints(item) for item in data]
    if type(data) is int and not _INT_MIN <= data <= _INT_MAX:
        return str(data)
    return data
