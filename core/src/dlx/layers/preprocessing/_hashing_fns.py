"""The string hashes TensorFlow's (hence Keras's) hashing layers use, computed without TensorFlow.

* ``fingerprint64``: FarmHash Fingerprint64 (``tf.strings.to_hash_bucket_fast``, ``tf.fingerprint``),
  from the ``pyfarmhash`` package (a compiled binding of Google's FarmHash);
* ``siphash24``: SipHash-2-4 with a 128-bit key (``tf.strings.to_hash_bucket_strong``), written
  here from the published algorithm;
* ``fingerprint_cat64``: TensorFlow's ``FingerprintCat64``, which ``tf.sparse.cross_hashed``
  folds feature fingerprints with.

Values that are not strings are hashed as TensorFlow's ``as_string`` writes them (decimal).
"""

from __future__ import annotations

import numpy as np

_M64 = (1 << 64) - 1


def _farmhash():
    try:
        import farmhash
    except ImportError as e:
        raise ImportError("dlx's hashing layers (Hashing, HashedCrossing, and lookups with num_oov_indices > 1) need "
                          "the `pyfarmhash` package for FarmHash Fingerprint64, bit-identical to Keras's: "
                          "`pip install pyfarmhash` (or install dlx with the `preprocessing` extra)") from e
    return farmhash


def as_bytes(value, encoding: str = "utf-8") -> bytes:
    """``value`` as the bytes TensorFlow hashes: strings encoded, integers in decimal."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"cannot hash a boolean value ({value!r}); expected strings or integers")
    if isinstance(value, (int, np.integer)):
        return str(int(value)).encode()
    raise TypeError(f"cannot hash {type(value).__name__} value {value!r}; expected strings or integers")


def fingerprint64(data: bytes) -> int:
    """FarmHash Fingerprint64 of ``data`` (an unsigned 64-bit int)."""
    return int(_farmhash().fingerprint64(data))


def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & _M64


def siphash24(k0: int, k1: int, data: bytes) -> int:
    """SipHash-2-4 of ``data`` with the key ``(k0, k1)`` (two unsigned 64-bit words)."""
    k0 &= _M64
    k1 &= _M64
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(v0, v1, v2, v3, n):
        for _ in range(n):
            v0 = (v0 + v1) & _M64
            v1 = _rotl(v1, 13) ^ v0
            v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & _M64
            v3 = _rotl(v3, 16) ^ v2
            v0 = (v0 + v3) & _M64
            v3 = _rotl(v3, 21) ^ v0
            v2 = (v2 + v1) & _M64
            v1 = _rotl(v1, 17) ^ v2
            v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    n = len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
        v0 ^= m
    last = int.from_bytes(data[full:], "little") | ((n & 0xFF) << 56)
    v3 ^= last
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 2)
    v0 ^= last
    v2 ^= 0xFF
    v0, v1, v2, v3 = rounds(v0, v1, v2, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def _shift_mix(v: int) -> int:
    return v ^ (v >> 47)


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TensorFlow's ``FingerprintCat64``: combines two 64-bit fingerprints."""
    mul = 0xC6A4A7935BD1E995
    result = fp1 ^ mul
    result ^= (_shift_mix((fp2 * mul) & _M64) * mul) & _M64
    result = (result * mul) & _M64
    result = (_shift_mix(result) * mul) & _M64
    return _shift_mix(result)


def hash_buckets(flat_values, num_buckets: int, salt=None, encoding: str = "utf-8") -> np.ndarray:
    """Bucket index (int64) of each value: ``fingerprint64 % num_buckets`` without a salt (Keras's
    "fast" hash), ``siphash24(salt) % num_buckets`` with one (its "strong" hash)."""
    if salt is None:
        fp = _farmhash().fingerprint64
        out = [int(fp(as_bytes(v, encoding))) % num_buckets for v in flat_values]
    else:
        k0, k1 = salt
        out = [siphash24(k0, k1, as_bytes(v, encoding)) % num_buckets for v in flat_values]
    return np.asarray(out, dtype=np.int64).reshape(np.shape(flat_values))
