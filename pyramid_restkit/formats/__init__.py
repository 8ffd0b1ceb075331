"""The built-in media types: one module a format, ``_base`` for the rest.

Each module holds a format's parser and renderer; ``_base`` holds what
they share (strict UTF-8, error messages, adapters, the depth walk), so
that every format parses and renders alike.  The directives in
:mod:`pyramid_restkit.config.media_types` register them.
"""
