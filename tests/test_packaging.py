"""The project's metadata: what users install is what the tests use."""

from __future__ import annotations

import pathlib

import pytest

# NOTE: tomllib is Python 3.11's; the kit supports 3.10 too.
tomllib = pytest.importorskip('tomllib')

ROOT = pathlib.Path(__file__).parent.parent


def test_testing_extra_matches_the_testing_group():
    # NOTE: the extra (pip install 'pyramid_restkit[testing]') serves
    # those who test an installed sdist; the dependency group serves the
    # development venv.  They must not drift apart.
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text('utf-8'))
    extra = project['project']['optional-dependencies']['testing']
    group = project['dependency-groups']['testing']
    assert sorted(extra) == sorted(group)
    assert extra


def test_metadata_has_urls_and_a_long_description():
    project = tomllib.loads((ROOT / 'pyproject.toml').read_text('utf-8'))
    assert project['project']['readme'] == 'README.md'
    assert {'Homepage', 'Changelog'} <= set(project['project']['urls'])
