"""The ``Authorization`` header, read defensively, and challenges written.

RFC 9110 section 11 gives the shape of credentials: an auth-scheme (a
token, compared case-insensitively), one or more spaces, then a token68
or auth-params.  The two schemes read here take a token68: ``Basic``
(RFC 7617: base64 of ``user-id ":" password``, UTF-8 as its
``charset="UTF-8"`` challenge announces) and ``Bearer`` (RFC 6750's
b64token).  Anything else a client may send is *no credentials*: the
readers return ``None`` and never raise, so that a malformed header is an
unauthenticated request (then a 401 or a 403), never a 500:

* a header longer than :data:`MAX_AUTHORIZATION` characters (API.md:
  "over 8 KiB is unauthenticated");
* another scheme, a scheme with nothing after it, auth-params where a
  token68 is expected;
* several credentials (one header holding a comma, which is also how a
  server joins repeated ``Authorization`` headers);
* control characters or any other character a token68 cannot hold;
* for Basic: base64 that is not strictly valid (alphabet and padding),
  bytes that are not UTF-8, no colon, an empty user-id, or control
  characters in the user-id or the password (RFC 7617 section 2).
"""

from __future__ import annotations

import base64
import binascii
import re

#: Longest ``Authorization`` value read (characters of the WSGI value,
#: which are its bytes: PEP 3333 decodes headers as ISO-8859-1).
MAX_AUTHORIZATION = 8192

#: ``auth-scheme 1*SP token68`` (RFC 9110 section 11.4 and 11.2); the
#: token68 alphabet is RFC 6750's b64token, RFC 7617's base64 a subset.
_CREDENTIALS = re.compile(
    r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) +([A-Za-z0-9._~+/-]+=*)"
)

#: Optional whitespace around a field value (RFC 9110 section 5.5).
_OWS = ' \t'

#: Control characters (RFC 5234's CTL), refused in Basic credentials.
_CONTROL = re.compile(r'[\x00-\x1f\x7f]')

#: What a quoted-string may hold unescaped in the challenges the kit
#: writes: printable ASCII and spaces (RFC 9110 section 5.6.4, without
#: the obsolete non-ASCII text).
_PRINTABLE = re.compile(r'[ -~]*')


def credentials(value: str | None, scheme: str) -> str | None:
    """The token68 of an ``Authorization`` value for ``scheme``.

    ``scheme`` is lowercase (``basic``, ``bearer``).  ``None`` when the
    value is absent, too long, of another scheme or malformed.
    """
    if value is None or len(value) > MAX_AUTHORIZATION:
        return None
    match = _CREDENTIALS.fullmatch(value.strip(_OWS))
    if match is None or match.group(1).lower() != scheme:
        return None
    return match.group(2)


def basic_credentials(value: str | None) -> tuple[str, str] | None:
    """The ``(username, password)`` of a Basic ``Authorization`` value.

    ``None`` when there are no well-formed Basic credentials (see the
    module's docstring).  The password may be empty; the username not.
    """
    token = credentials(value, 'basic')
    if token is None:
        return None
    try:
        # NOTE: validate=True refuses characters outside the base64
        # alphabet (the b64token extras "-._~" included) and bad padding,
        # which a lenient decode would silently drop or accept.
        decoded = base64.b64decode(token, validate=True).decode('utf-8')
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(':')
    if not colon or not username or _CONTROL.search(decoded):
        return None
    return username, password


def bearer_token(value: str | None) -> str | None:
    """The token of a Bearer ``Authorization`` value (RFC 6750 2.1)."""
    return credentials(value, 'bearer')


def has_scheme(value: str | None, scheme: str) -> bool:
    """Whether ``value`` starts with ``scheme`` (lowercase) as a word.

    How a refused Bearer token is told from no token at all, whatever
    the shape of what followed the scheme.
    """
    if value is None:
        return False
    word = value.strip(_OWS)[: len(scheme) + 1]
    return word[: len(scheme)].lower() == scheme and word[len(scheme) :] in (
        '',
        ' ',
    )


def check_realm(realm: object) -> str:
    """``realm`` if a challenge can carry it, else a ``ValueError``.

    Printable ASCII and spaces only: a control character would split or
    corrupt the header line, and non-ASCII text has no reliable encoding
    in a header.
    """
    if not isinstance(realm, str):
        raise TypeError(f'a realm is a str, not {realm!r}')
    if not _PRINTABLE.fullmatch(realm):
        raise ValueError(
            'a realm holds printable ASCII characters and spaces only '
            f'(no control characters): {realm!r}'
        )
    return realm


def quoted(text: str) -> str:
    """``text`` as an RFC 9110 quoted-string (``"`` and ``\\`` escaped)."""
    escaped = text.replace('\\', '\\\\').replace('"', '\\"')
    return f'"{escaped}"'
