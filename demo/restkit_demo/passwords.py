"""Password hashing with scrypt (``hashlib.scrypt``), stored self-described.

A stored hash names its algorithm and parameters, in the PHC string
format (the one passlib and argon2 write)::

    $scrypt$ln=14,r=8,p=1$<salt>$<hash>

``ln`` is log2 of scrypt's cost ``N``, the salt 16 random bytes drawn for
each password, salt and hash unpadded base64.  Since every hash carries
its own parameters, raising them later (``HASH_PARAMETERS``) leaves the
hashes already stored verifiable.

The parameters are Django's scrypt defaults (N = 2**14, r = 8, p = 1:
16 MiB and some 50 ms a check on a laptop), a cost paid by every request
that logs in with a password: the reason the demo gives out bearer
tokens, which cost one SHA-256.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

#: scrypt's parameters for new hashes: log2 of N, r, p.
HASH_PARAMETERS = {'ln': 14, 'r': 8, 'p': 1}
#: Bytes of random salt, and of derived key.
SALT_SIZE = 16
KEY_SIZE = 32
#: Largest parameters a stored hash may ask for: a corrupt or hostile
#: row must not make one check take minutes or gigabytes.
_MAX = {'ln': 17, 'r': 8, 'p': 4}
#: scrypt needs 128 * r * N bytes (and some): room for the largest.
_MAXMEM = 129 * _MAX['r'] * 2 ** _MAX['ln']


def hash_password(password: str) -> str:
    """Return the storable hash of ``password``, with a new random salt."""
    salt = secrets.token_bytes(SALT_SIZE)
    key = _scrypt(password, salt, **HASH_PARAMETERS)
    params = ','.join(
        f'{name}={value}' for name, value in HASH_PARAMETERS.items()
    )
    return f'$scrypt${params}${_b64(salt)}${_b64(key)}'


def verify_password(password: str, stored: str) -> bool:
    """Tell whether ``password`` is the one ``stored`` was made from.

    The comparison takes constant time (``hmac.compare_digest``); a
    stored value that is not a hash this module wrote never matches.
    """
    parsed = _parse(stored)
    if parsed is None:
        return False
    params, salt, expected = parsed
    key = _scrypt(password, salt, dklen=len(expected), **params)
    return hmac.compare_digest(key, expected)


def _parse(stored: str) -> tuple[dict[str, int], bytes, bytes] | None:
    """Split a stored hash into its parameters, salt and key, or ``None``."""
    parts = stored.split('$')
    if len(parts) != 5 or parts[0] != '' or parts[1] != 'scrypt':
        return None
    params: dict[str, int] = {}
    for item in parts[2].split(','):
        name, _, value = item.partition('=')
        if name not in _MAX or name in params or not value.isdigit():
            return None
        params[name] = int(value)
    if params.keys() != _MAX.keys():
        return None
    if not all(0 < params[name] <= _MAX[name] for name in params):
        return None
    try:
        salt, key = _unb64(parts[3]), _unb64(parts[4])
    except (binascii.Error, ValueError):
        return None
    if not salt or not key:
        return None
    return params, salt, key


def _scrypt(
    password: str, salt: bytes, ln: int, r: int, p: int, dklen: int = KEY_SIZE
) -> bytes:
    return hashlib.scrypt(
        # NOTE: surrogatepass: any str has bytes, none raises.
        password.encode('utf-8', 'surrogatepass'),
        salt=salt,
        n=2**ln,
        r=r,
        p=p,
        dklen=dklen,
        maxmem=_MAXMEM,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode('ascii').rstrip('=')


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + '=' * (-len(text) % 4), validate=True)
