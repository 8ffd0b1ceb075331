"""What the kit reads off, and makes of, resource classes.

Method names one or two edits away from a verb method (a warning at
configuration), and the classes made for YAML declarations: one whose
methods call a module's functions, and a subclass carrying the YAML
``operations:`` options as ``@operation`` would.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from inspect import CO_VARARGS
from types import FunctionType, ModuleType
from typing import Any

from ..conditional import VALIDATOR_NAMES
from ..decorators import OPERATION_ATTR
from .options import METHOD_NAMES


def near_misses(cls: type) -> dict[str, str]:
    """Methods of ``cls`` named like a verb method, but not quite.

    ``colection_get`` (two edits or fewer from a long name) and ``gett``
    (one edit from a short one, ``get`` ``post`` ``put`` ``patch``), with
    the same first letter: name -> the verb method it was likely meant
    to be.  Names starting with ``_`` and the verb methods themselves are
    skipped.
    """
    found: dict[str, str] = {}
    for klass in cls.__mro__[:-1]:  # not object
        for attr, value in vars(klass).items():
            if (
                attr in found
                or attr.startswith('_')
                or attr in METHOD_NAMES
                or attr in VALIDATOR_NAMES
                or not callable(value)
            ):
                continue
            for name in METHOD_NAMES:
                limit = 1 if len(name) <= 5 else 2
                if (
                    attr[0] == name[0]
                    and abs(len(attr) - len(name)) <= limit
                    and _edits(attr, name) <= limit
                ):
                    found[attr] = name
                    break
    return found


def _edits(a: str, b: str) -> int:
    """The Levenshtein distance of ``a`` and ``b`` (short names)."""
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char != other),
                )
            )
        previous = current
    return previous[-1]


# -- classes made for YAML declarations --------------------------------------


def functions_resource(module: ModuleType) -> type:
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
        # NOTE: a module's validator functions (etag(request)...) too.
        for attr in (*METHOD_NAMES, *sorted(VALIDATOR_NAMES))
        if callable(getattr(module, attr, None))
    }
    namespace.update(
        __init__=__init__,
        __module__=module.__name__,
        __qualname__=name,
        __doc__=module.__doc__,
    )
    return type(name, (), namespace)


def with_operation_options(cls: type, operations: dict[str, Any]) -> type:
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


_OBJECT_NEW: Any = object.__new__


def takes_context(cls: type) -> bool:
    """Whether ``cls(request, context)`` binds (else ``cls(request)``)."""
    # PERF: inspect.signature costs about 20 us a class; the common case,
    # a plain class with a plain ``__init__``, is read from its code
    # object with the same answer (tests/config/test_resources.py
    # compares them).
    klass: Any = cls
    init = klass.__init__
    if (
        type(klass) is type
        and klass.__new__ is _OBJECT_NEW
        and type(init) is FunctionType
        and not hasattr(klass, '__wrapped__')
        and not hasattr(klass, '__signature__')
        and not hasattr(init, '__wrapped__')
        and not hasattr(init, '__signature__')
        and init.__code__.co_argcount >= 1
    ):
        code = init.__code__
        count = code.co_argcount  # positional parameters, self included
        required = max(count - len(init.__defaults__ or ()), 1) - 1
        keyword_only = code.co_varnames[count : count + code.co_kwonlyargcount]
        kw_defaults = init.__kwdefaults__ or {}
        return (
            (count - 1 >= 2 or bool(code.co_flags & CO_VARARGS))
            and required <= 2
            and all(name in kw_defaults for name in keyword_only)
        )
    return takes_context_by_signature(cls)


def takes_context_by_signature(cls: type) -> bool:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # pragma: no cover (C classes)
        return True
    try:
        signature.bind(None, None)
    except TypeError:
        return False
    return True
