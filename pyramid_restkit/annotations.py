"""What a resource method's return annotation says about ``None``.

A method that returns ``None`` answers ``204 No Content``.  Whether it
can is read from its return annotation (``-> None``, ``-> Post | None``,
``Optional[Post]``), even one that does not resolve at run time; without
one, a ``DELETE`` may, any other verb does not.  The OpenAPI document
lists the statuses from it and ``prestkit`` shows them.
"""

from __future__ import annotations

import ast
import typing
from typing import Any


def returns_none(method: Any, verb: str) -> str:
    """``'never'``, ``'maybe'`` or ``'always'``: does it return None?"""
    try:
        hints = typing.get_type_hints(method)
    except (NameError, TypeError, AttributeError, SyntaxError):
        # NOTE: names that do not resolve at run time: read the text.
        hints = {}
    if 'return' in hints:
        returned = hints['return']
        if returned is type(None):
            return 'always'
        if type(None) in typing.get_args(returned):
            return 'maybe'
        return 'never'
    annotation = getattr(method, '__annotations__', {}).get('return')
    if isinstance(annotation, str):
        return none_in_text(annotation)
    return 'maybe' if verb == 'DELETE' else 'never'


def none_in_text(annotation: str) -> str:
    """:func:`returns_none` of an annotation that does not resolve.

    ``None``, ``X | None``, ``Optional[X]`` and ``Union[X, None]`` (with
    or without ``typing.``) are read; anything else never returns None.
    """
    try:
        tree = ast.parse(annotation.strip(), mode='eval').body
    except SyntaxError:
        return 'never'

    def is_none(node: ast.expr) -> bool:
        return isinstance(node, ast.Constant) and node.value is None

    def name(node: ast.expr) -> str:
        if isinstance(node, ast.Attribute):
            return node.attr
        return node.id if isinstance(node, ast.Name) else ''

    if is_none(tree):
        return 'always'
    members: list[ast.expr] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            stack += [node.left, node.right]
        else:
            members.append(node)
    for node in members:
        if is_none(node):
            return 'maybe'
        if isinstance(node, ast.Subscript):
            kind = name(node.value)
            args = node.slice
            items = args.elts if isinstance(args, ast.Tuple) else [args]
            if kind == 'Optional' or (
                kind == 'Union' and any(is_none(item) for item in items)
            ):
                return 'maybe'
    return 'never'
