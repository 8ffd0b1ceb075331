"""``anonymous=`` and ``throttle=``: the resource's throttle applies to
both classes, one budget (API.md, "Security, further:").
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator

from .blog import HeaderPolicy, add_posts, reset


def test_one_budget_for_both_classes(
    config: Configurator, make_app: Any
) -> None:
    reset()
    config.set_security_policy(HeaderPolicy())
    add_posts(config, throttle='2/minute')
    app = make_app()
    first = app.get('/posts/1')
    assert first.json == {'id': 1, 'title': 'Post 1'}
    assert first.headers['RateLimit-Policy'] == '"posts";q=2;w=60'
    assert first.headers['RateLimit'].startswith('"posts";r=1;')
    app.get('/posts/1')
    refused = app.get('/posts/1', status=429)
    assert 'Retry-After' in refused.headers
    # Signed in: the same policy, the user's own budget.
    signed_in = app.get('/posts/1', headers={'X-User': 'a'})
    assert signed_in.headers['RateLimit'].startswith('"posts";r=1;')
    # The challenge (401/403) comes before the throttle: no budget spent.
    for _ in range(3):
        assert (
            'RateLimit' not in app.put_json('/posts/1', {}, status=403).headers
        )
