"""The built-in media types: one module a format, ``_base`` for the rest.

Each module holds a format's parser and renderer; the directives in
:mod:`pyramid_restkit.config.media_types` register them.
"""
