"""``benchmarks/internals.py`` still runs, and its variants still agree.

The benchmark compares the kit with the code it replaced (reproduced in
the script) and with colander's public ways; it refuses to time variants
that disagree.  This keeps it runnable as the package changes.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

SCRIPT = pathlib.Path(__file__).parents[1] / 'benchmarks' / 'internals.py'


@pytest.fixture(scope='module')
def internals() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location('internals_bench', SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_every_variant_gives_the_kits_result(internals: ModuleType) -> None:
    cases = internals.build_cases()
    assert len(cases) == 10
    internals.check(cases)  # exits on a difference


def test_check_refuses_a_variant_that_disagrees(
    internals: ModuleType,
) -> None:
    case = internals.case('odd', ('kit', lambda: 1), ('other', lambda: 2))
    with pytest.raises(SystemExit) as info:
        internals.check([case])
    assert "'other' gives ('ok', 2)" in str(info.value)


def test_a_quick_run_prints_a_table(
    internals: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert internals.main(['--quick', '--only', 'binding']) == 0
    out = capsys.readouterr().out
    assert 'colander ' in out
    assert 'kit: bind only if has_deferred' in out
    assert '1.00x' in out
