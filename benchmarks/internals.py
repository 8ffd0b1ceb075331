"""Where pyramid_restkit leans on colander or Pyramid internals, measured.

Each case times the kit's code (``pyramid_restkit.schemas``) against the
alternatives it was chosen over; ``benchmarks/README.md``, "Internals",
records the numbers and the decisions:

* input rules: a ``deserialize`` of its own on each prepared type copy
  (the kit) against the code before it, a subclass of each user type made
  at run time, assigned to ``typ.__class__`` and kept in a module-level
  cache (``_MIXED``), reproduced below as it was;
* deferred detection: reading the ``__dict__`` of each node and, once per
  call, of each class (the kit) against the code before it (every class
  of every node) and colander's own way (``dir`` and ``getattr``);
* binding: skipping ``bind(request=...)`` for schemas without deferred
  values (the kit) against binding every request (public, no detection);
* request attributes: ``getattr(request, name, None)`` (the kit, public)
  against reading the request's ``__dict__`` (the code before it): a
  difference of a few tens of nanoseconds that does not pay for the
  internal;
* sized actions: committing resources whose actions carry one key more
  than Pyramid's (``config.resources.sized_action``) against plain
  ``config.action`` calls (fewer rounds: a commit takes a while).

Every variant is checked to give the same result before it is timed.
Each variant is calibrated to a number of calls lasting ``--target-ms``
(10 ms), then timed in ``--rounds`` rounds (61) that alternate the
variants, so that drift in the machine's speed hits them alike; short
blocks and many rounds keep the median steady on a shared machine.  The
table gives each variant's median time per call and the ratio of
medians within this run, then the same for the fastest round (on a busy
machine the least disturbed one).  ``gc`` stays enabled; what is built
before timing is frozen (``gc.freeze()``).

Usage::

    python benchmarks/internals.py               # about a minute
    python benchmarks/internals.py --quick       # smoke test, 1 second
    python benchmarks/internals.py --only deferred   # some cases only
"""

from __future__ import annotations

import argparse
import copy
import gc
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import colander
from pyramid.config import Configurator
from pyramid.request import Request

from pyramid_restkit.config import resources
from pyramid_restkit.errors import ValidationFailure
from pyramid_restkit.schemas import (
    Validator,
    field_errors,
    has_deferred,
    prepare,
)

# NOTE: the checks themselves are the kit's own (private) functions, so
# that the old variant differs from the kit only in how it hooks them in.
from pyramid_restkit.schemas.rules import (
    MAX_ERRORS,
    _check_scalar,
    _check_text,
    _expect,
    _refuse_unsafe,
    _unknown_fields,
)

# -- the schemas --------------------------------------------------------------


class Tags(colander.SequenceSchema):
    tag = colander.SchemaNode(colander.String())


class Author(colander.MappingSchema):
    name = colander.SchemaNode(colander.String())
    email = colander.SchemaNode(colander.String(), missing=None)


class PostSchema(colander.MappingSchema):
    """bench.py's PostSchema, with an author and a few more types."""

    title = colander.SchemaNode(colander.String())
    body = colander.SchemaNode(colander.String())
    tags = Tags(missing=())
    views = colander.SchemaNode(colander.Integer())
    price = colander.SchemaNode(colander.Decimal(), missing=None)
    draft = colander.SchemaNode(colander.Boolean(), missing=False)
    author = Author()


class Line(colander.MappingSchema):
    sku = colander.SchemaNode(colander.String())
    qty = colander.SchemaNode(colander.Integer())
    price = colander.SchemaNode(colander.Decimal())


class Lines(colander.SequenceSchema):
    line = Line()


class Address(colander.MappingSchema):
    street = colander.SchemaNode(colander.String())
    city = colander.SchemaNode(colander.String())
    zip = colander.SchemaNode(colander.String())
    country = colander.SchemaNode(colander.String(), missing='FR')


class OrderSchema(colander.MappingSchema):
    """A larger schema: 25 nodes of 7 classes."""

    number = colander.SchemaNode(colander.Integer())
    placed = colander.SchemaNode(colander.DateTime())
    customer = Author()
    billing = Address()
    shipping = Address(missing=colander.drop)
    lines = Lines()
    notes = colander.SchemaNode(colander.String(), missing='')
    tags = Tags(missing=())
    paid = colander.SchemaNode(colander.Boolean(), missing=False)


POST = {
    'title': 'Hello, Pyramid',
    'body': 'A short post used by the benchmarks.',
    'tags': ['pyramid', 'rest'],
    'views': 42,
    'price': '9.90',
    'draft': True,
    'author': {'name': 'Ann', 'email': 'ann@example.org'},
}
#: Three type errors, a missing field and two unknown fields.
BAD_POST = {
    'title': 7,
    'tags': ['a', 3],
    'views': '42',
    'author': {'email': 'x', 'nick': 'a'},
    'extra': 1,
}

# -- the code before: a mixin class per type, assigned to __class__ ----------


class _Restkit:
    """Mixed into a clone of each schema type (the kit until 2026-12)."""

    restkit_typed = False
    restkit_unknown = 'ignore'

    def deserialize(self, node: Any, cstruct: Any) -> Any:
        if self.restkit_typed:
            if cstruct is None:
                cstruct = colander.null
            elif cstruct is not colander.null:
                _check_scalar(self, node, cstruct)
        elif cstruct is None:
            cstruct = colander.null
        else:
            cstruct = _check_text(self, node, cstruct)
        if (
            isinstance(self, colander.Set)
            and isinstance(cstruct, list)
            and not all(isinstance(item, _SET_ITEMS) for item in cstruct)
        ):
            _expect(node, 'Expected an array of strings, numbers or booleans.')
        unknown = None
        if (
            self.restkit_unknown == 'raise'
            and isinstance(cstruct, AbcMapping)
            and isinstance(self, colander.Mapping)
        ):
            unknown = _unknown_fields(node, cstruct, frozenset(), MAX_ERRORS)
        try:
            result = super().deserialize(node, cstruct)  # type: ignore[misc]
        except colander.Invalid as exc:
            if unknown is not None:
                exc.children.extend(unknown.children)
            raise
        if unknown is not None:
            raise unknown
        return result


_SET_ITEMS = (str, int, float, type(None))
_MIXED: dict[type, type] = {}


def _mixed(cls: type, cache: dict[type, type]) -> type:
    mixed = cache.get(cls)
    if mixed is None:
        mixed = type(cls.__name__, (_Restkit, cls), {})
        cache[cls] = mixed
    return mixed


def old_prepare(
    schema: Any,
    *,
    typed: bool,
    partial: bool = False,
    unknown: str = 'ignore',
    cache: dict[type, type] = _MIXED,
) -> Any:
    """``prepare`` as it was; ``cache={}`` for one without the global."""
    clone = schema.clone()
    _old_prepare(clone, typed, partial, unknown, True, cache)
    return clone


def _old_prepare(
    node: Any,
    typed: bool,
    partial: bool,
    unknown: str,
    root: bool,
    cache: dict[type, type],
) -> None:
    _refuse_unsafe(node)
    typ = copy.copy(node.typ)
    if not isinstance(typ, _Restkit):
        typ.__class__ = _mixed(type(typ), cache)
    typ.restkit_typed = typed
    is_mapping = isinstance(typ, colander.Mapping)
    if is_mapping and getattr(typ, 'unknown', 'ignore') == 'ignore':
        typ.restkit_unknown = unknown
    node.typ = typ
    if partial and not root:
        node.missing = colander.drop
    for child in node.children:
        _old_prepare(
            child, typed, partial and is_mapping, unknown, False, cache
        )


# -- an alternative: the kit's hook, with a closure per type ----------------


def closure_prepare(schema: Any, *, typed: bool, unknown: str) -> Any:
    """``prepare`` with a closure as each type's ``deserialize``."""
    clone = schema.clone()
    _closure_prepare(clone, typed, unknown)
    return clone


def _closure_prepare(node: Any, typed: bool, unknown: str) -> None:
    _refuse_unsafe(node)
    typ = copy.copy(node.typ)
    own = unknown
    if not (
        isinstance(typ, colander.Mapping)
        and getattr(typ, 'unknown', 'ignore') == 'ignore'
    ):
        own = 'ignore'
    typ.deserialize = _closure(typ, typed, own)
    node.typ = typ
    for child in node.children:
        _closure_prepare(child, typed, unknown)


def _closure(typ: Any, typed: bool, unknown: str) -> Callable[..., Any]:
    original = type(typ).deserialize
    is_set = isinstance(typ, colander.Set)
    refuse_unknown = unknown == 'raise' and isinstance(typ, colander.Mapping)

    def deserialize(node: Any, cstruct: Any) -> Any:
        if typed:
            if cstruct is None:
                cstruct = colander.null
            elif cstruct is not colander.null:
                _check_scalar(typ, node, cstruct)
        elif cstruct is None:
            cstruct = colander.null
        else:
            cstruct = _check_text(typ, node, cstruct)
        if (
            is_set
            and isinstance(cstruct, list)
            and not all(isinstance(item, _SET_ITEMS) for item in cstruct)
        ):
            _expect(node, 'Expected an array of strings, numbers or booleans.')
        unknown_fields = None
        if refuse_unknown and isinstance(cstruct, AbcMapping):
            unknown_fields = _unknown_fields(
                node, cstruct, frozenset(), MAX_ERRORS
            )
        try:
            result = original(typ, node, cstruct)
        except colander.Invalid as exc:
            if unknown_fields is not None:
                for child in unknown_fields.children:
                    exc.add(child)
            raise
        if unknown_fields is not None:
            raise unknown_fields
        return result

    return deserialize


# -- deferred detection, before and colander's way ---------------------------


def old_has_deferred(schema: Any) -> bool:
    """``has_deferred`` as it was: every class of every node."""
    stack = [schema]
    while stack:
        node = stack.pop()
        for namespace in (node, *type(node).__mro__):
            if any(
                isinstance(value, colander.deferred)
                for value in vars(namespace).values()
            ):
                return True
        stack.extend(node.children)
    return False


def dir_has_deferred(schema: Any) -> bool:
    """colander's own way of finding deferred values (``_bind``)."""
    stack = [schema]
    while stack:
        node = stack.pop()
        for name in dir(node):
            if isinstance(getattr(node, name), colander.deferred):
                return True
        stack.extend(node.children)
    return False


# -- timing ---------------------------------------------------------------


@dataclass
class Variant:
    label: str
    call: Callable[[], Any]
    per_call: list[float]


@dataclass
class Case:
    title: str
    variants: list[Variant]
    #: At most this many rounds (cases whose call lasts long).
    rounds: int | None = None


def case(title: str, *variants: tuple[str, Callable[[], Any]]) -> Case:
    """The first variant is the kit's; ratios are to it."""
    return Case(title, [Variant(label, call, []) for label, call in variants])


def outcome(call: Callable[[], Any]) -> Any:
    """What a call gives: its result, or its errors as the kit lists them."""
    try:
        return ('ok', call())
    except colander.Invalid as exc:
        return ('invalid', field_errors(exc, 'body'))
    except ValidationFailure as exc:
        return ('failure', exc.errors)


def check(cases: list[Case]) -> None:
    """Every variant of a case gives the same result, or the run stops."""
    for each in cases:
        results = [outcome(variant.call) for variant in each.variants]
        if each.title.startswith('prepare'):
            # Prepared schemas differ by identity: compare what they do.
            results = [
                (
                    outcome(lambda s=r[1]: s.deserialize(POST)),
                    outcome(lambda s=r[1]: s.deserialize(BAD_POST)),
                )
                for r in results
            ]
        for variant, result in zip(each.variants, results, strict=True):
            if result != results[0]:
                sys.exit(
                    f'{each.title}: {variant.label!r} gives {result!r}, '
                    f'the kit {results[0]!r}'
                )


def calibrate(call: Callable[[], Any], target: float) -> int:
    """A number of calls lasting about ``target`` seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            call()
        elapsed = time.perf_counter() - start
        if elapsed >= target / 5:
            return max(1, int(number * target / elapsed))
        number *= 2


def timed(call: Callable[[], Any], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        call()
    return (time.perf_counter() - start) / number


def run(each: Case, rounds: int, target: float) -> None:
    numbers = [calibrate(v.call, target) for v in each.variants]
    for _ in range(min(rounds, each.rounds or rounds)):
        for variant, number in zip(each.variants, numbers, strict=True):
            variant.per_call.append(timed(variant.call, number))


# -- the cases ------------------------------------------------------------

KIT_HOOK = 'kit: a deserialize of its own'
OLD_HOOK = 'before: mixin, __class__, _MIXED'
CLOSURE_HOOK = 'alternative: the same with a closure'


def build_cases() -> list[Case]:
    post, order = PostSchema(), OrderSchema()
    kit_typed = prepare(post, typed=True, unknown='raise')
    old_typed = old_prepare(post, typed=True, unknown='raise')
    closure_typed = closure_prepare(post, typed=True, unknown='raise')
    kit_text = prepare(post, typed=False, unknown='raise')
    old_text = old_prepare(post, typed=False, unknown='raise')
    text_post = {**POST, 'views': '42', 'draft': 'true'}

    plain = Validator(post, partial=False, unknown='raise', status=400)
    bound = Validator(post, partial=False, unknown='raise', status=400)
    bound.deferred = True  # the public way: bind every request
    request = Request.blank('/posts')

    return [
        *pyramid_cases(),
        case(
            'input rules, per request: a valid body, typed (JSON)',
            (
                KIT_HOOK,
                lambda: kit_typed.deserialize(POST),
            ),
            (
                OLD_HOOK,
                lambda: old_typed.deserialize(POST),
            ),
            (CLOSURE_HOOK, lambda: closure_typed.deserialize(POST)),
        ),
        case(
            'input rules, per request: a valid body, text (forms)',
            (
                KIT_HOOK,
                lambda: kit_text.deserialize(text_post),
            ),
            (
                OLD_HOOK,
                lambda: old_text.deserialize(text_post),
            ),
        ),
        case(
            'input rules, per request: 6 errors, 2 unknown fields',
            (
                'kit: ... and Invalid.add',
                lambda: outcome(lambda: kit_typed.deserialize(BAD_POST)),
            ),
            (
                'before: ... and children.extend',
                lambda: outcome(lambda: old_typed.deserialize(BAD_POST)),
            ),
        ),
        case(
            'prepare, at commit: PostSchema, 11 nodes',
            (
                KIT_HOOK,
                lambda: prepare(post, typed=True, unknown='raise'),
            ),
            (
                'before: _MIXED warm',
                lambda: old_prepare(post, typed=True, unknown='raise'),
            ),
            (
                CLOSURE_HOOK,
                lambda: closure_prepare(post, typed=True, unknown='raise'),
            ),
            (
                'before, no global: classes per call',
                lambda: old_prepare(
                    post, typed=True, unknown='raise', cache={}
                ),
            ),
        ),
        case(
            'deferred detection, at commit: PostSchema, 11 nodes',
            ('kit: __dict__s, each class once', lambda: has_deferred(post)),
            (
                'before: every class of every node',
                lambda: old_has_deferred(post),
            ),
            ('public: dir() and getattr()', lambda: dir_has_deferred(post)),
        ),
        case(
            'deferred detection, at commit: OrderSchema, 25 nodes',
            ('kit: __dict__s, each class once', lambda: has_deferred(order)),
            (
                'before: every class of every node',
                lambda: old_has_deferred(order),
            ),
            ('public: dir() and getattr()', lambda: dir_has_deferred(order)),
        ),
        case(
            'binding, per request: Validator.validate, no deferred',
            (
                'kit: bind only if has_deferred',
                lambda: plain.validate(request, POST, True, True),
            ),
            (
                'public: bind(request=...) always',
                lambda: bound.validate(request, POST, True, True),
            ),
        ),
    ]


def pyramid_cases() -> list[Case]:
    """The request attribute read and the sized actions."""
    request = Request.blank('/posts')
    request.restkit_suffix = 'yaml'
    sized = configure_case(sized=True)
    plain = configure_case(sized=False)
    return [
        case(
            'request attribute, per request: absent',
            (
                'kit: getattr(request, name, None)',
                lambda: getattr(request, 'restkit_media', None),
            ),
            (
                'before: request.__dict__.get(name)',
                lambda: request.__dict__.get('restkit_media'),
            ),
        ),
        case(
            'request attribute, per request: set',
            (
                'kit: getattr(request, name, None)',
                lambda: getattr(request, 'restkit_suffix', None),
            ),
            (
                'before: request.__dict__.get(name)',
                lambda: request.__dict__.get('restkit_suffix'),
            ),
        ),
        Case(
            f'sized actions, at commit: {RESOURCES} resources',
            [
                Variant('kit: one key more than Pyramid', sized, []),
                Variant('public: plain config.action', plain, []),
            ],
            rounds=7,
        ),
    ]


#: Resources configured per call of the sized actions case.
RESOURCES = 1000


class Posts:
    def __init__(self, request: Any) -> None:
        self.request = request

    def get(self) -> Any:
        return {}

    def collection_get(self) -> Any:
        return []


def _plain_action(
    config: Any,
    discriminator: Any,
    callable: Any = None,
    args: Any = (),
    introspectables: Any = (),
) -> None:
    config.action(
        discriminator, callable, args=args, introspectables=introspectables
    )


def configure_case(sized: bool) -> Callable[[], Any]:
    """Configure and commit RESOURCES resources; return the route count."""

    def configure() -> Any:
        saved = resources.sized_action
        if not sized:
            resources.sized_action = _plain_action
        try:
            config = Configurator(autocommit=False)
            config.include('pyramid_restkit')
            for i in range(RESOURCES):
                config.add_resource(
                    Posts,
                    name=f'posts{i}',
                    collection_path=f'/r{i}/posts',
                    path=f'/r{i}/posts/{{id}}',
                )
            config.commit()
        finally:
            resources.sized_action = saved
        return len(config.get_routes_mapper().get_routes())

    return configure


def tracked_objects(make: Callable[[], Any], count: int = 200) -> float:
    """Objects the garbage collector tracks, per result of ``make()`` kept.

    The objects of a configuration stay for the life of the application,
    and each full collection walks them all.
    """
    gc.collect()
    before = len(gc.get_objects())
    kept = [make() for _ in range(count)]
    added = len(gc.get_objects()) - before
    del kept
    return added / count


def heap_report() -> None:
    post = PostSchema()
    print('tracked objects per prepared PostSchema (11 nodes), kept')
    for label, make in (
        (KIT_HOOK, lambda: prepare(post, typed=True, unknown='raise')),
        (OLD_HOOK, lambda: old_prepare(post, typed=True, unknown='raise')),
        (
            CLOSURE_HOOK,
            lambda: closure_prepare(post, typed=True, unknown='raise'),
        ),
    ):
        print(f'  {label:<44} {tracked_objects(make):9.1f}')


def versions() -> str:
    found = [f'Python {platform.python_version()}']
    for dist in ('colander', 'pyramid', 'pyramid_restkit'):
        found.append(f'{dist} {metadata.version(dist)}')
    return ', '.join(found)


def report(cases: list[Case]) -> None:
    """Medians, and minimums: on a busy machine the fastest round is the
    one least disturbed, so the two ratios bracket the truth."""
    print(
        f'{"case / variant":<46} {"median us":>9} {"ratio":>6} '
        f'{"min us":>8} {"ratio":>6}'
    )
    for each in cases:
        print(each.title)
        medians = [statistics.median(v.per_call) for v in each.variants]
        minimums = [min(v.per_call) for v in each.variants]
        for variant, median, least in zip(
            each.variants, medians, minimums, strict=True
        ):
            print(
                f'  {variant.label:<44} {median * 1e6:9.2f} '
                f'{median / medians[0]:5.2f}x {least * 1e6:8.2f} '
                f'{least / minimums[0]:5.2f}x'
            )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--quick',
        action='store_true',
        help='smoke test: 3 rounds of ~2 ms (not a measurement)',
    )
    parser.add_argument('--rounds', type=int, default=61)
    parser.add_argument('--target-ms', type=float, default=10.0)
    parser.add_argument(
        '--only',
        metavar='TEXT',
        help='run only the cases whose title contains TEXT',
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rounds, target = args.rounds, args.target_ms / 1000
    if args.quick:
        rounds, target = 3, 0.002
    print(versions())
    print(f'{rounds} rounds of ~{target * 1000:g} ms per variant; medians')
    cases = build_cases()
    check(cases)
    if args.only:
        cases = [each for each in cases if args.only in each.title]
    # NOTE: gc stays on (prepare and bind allocate, and pay for it), but
    # what was built before timing need not be scanned again.
    gc.collect()
    gc.freeze()
    for each in cases:
        run(each, rounds, target)
    gc.unfreeze()
    report(cases)
    if not args.only or 'prepare' in args.only:
        heap_report()
    return 0


if __name__ == '__main__':
    sys.exit(main())
