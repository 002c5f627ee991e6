"""A minimal TensorBoard event-file writer: TFRecord framing (masked CRC-32C) around ``Event``
protocol buffers, encoded by hand (no TensorFlow or protobuf dependency).

Message layout used (from tensorboard's ``event.proto`` / ``summary.proto``)::

    Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
    Summary { repeated Value value = 1; }
    Value   { string tag = 1; float simple_value = 2; HistogramProto histo = 5; }
    HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4;
                     double sum_squares = 5; repeated double bucket_limit = 6 [packed];
                     repeated double bucket = 7 [packed]; }
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time

import numpy as np


def _crc32c_table():
    poly = 0x82F63B78
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``."""
    c = 0xFFFFFFFF
    t = _TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n: int) -> bytes:
    if n < 0:
        n += 1 << 64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def _bytes_field(field: int, payload: bytes) -> bytes:
    return _key(field, 2) + _varint(len(payload)) + payload


def _double_field(field: int, v: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(v))


def _float_field(field: int, v: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", float(v))


def histogram_proto(values, bins=30) -> bytes:
    """A ``HistogramProto`` of ``values`` with ``bins`` equal-width buckets."""
    v = np.asarray(values, np.float64).reshape(-1)
    if v.size == 0:
        v = np.zeros(1)
    lo, hi = float(v.min()), float(v.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    limits = edges[1:]
    msg = (_double_field(1, v.min()) + _double_field(2, v.max()) + _double_field(3, v.size)
           + _double_field(4, v.sum()) + _double_field(5, float(np.dot(v, v)))
           + _bytes_field(6, struct.pack(f"<{len(limits)}d", *limits))
           + _bytes_field(7, struct.pack(f"<{len(counts)}d", *counts.astype(np.float64))))
    return msg


def text_value(tag: str, text: str, plugin_name: str, content: bytes = b"") -> bytes:
    """A ``Summary.Value`` holding a string tensor for TensorBoard plugin ``plugin_name``."""
    tensor = _key(1, 0) + _varint(7) + _bytes_field(2, b"") + _bytes_field(8, text.encode())  # DT_STRING scalar
    metadata = _bytes_field(1, _bytes_field(1, plugin_name.encode()) + _bytes_field(2, content))
    return _bytes_field(1, tag.encode()) + _bytes_field(8, tensor) + _bytes_field(9, metadata)


def event_bytes(step: int, wall_time: float, *, scalars=None, histograms=None, file_version=None,
                raw_values=()) -> bytes:
    """One serialized ``Event``."""
    msg = _double_field(1, wall_time) + _key(2, 0) + _varint(int(step))
    if file_version is not None:
        msg += _bytes_field(3, file_version.encode())
    values = b""
    for tag, val in (scalars or {}).items():
        values += _bytes_field(1, _bytes_field(1, tag.encode()) + _float_field(2, val))
    for tag, arr in (histograms or {}).items():
        values += _bytes_field(1, _bytes_field(1, tag.encode()) + _bytes_field(5, histogram_proto(arr)))
    for value in raw_values:
        values += _bytes_field(1, value)
    if values:
        msg += _bytes_field(5, values)
    return msg


def tfrecord(data: bytes) -> bytes:
    """``data`` framed as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return length + struct.pack("<I", masked_crc32c(length)) + data + struct.pack("<I", masked_crc32c(data))


class EventFileWriter:
    """Appends events to ``<logdir>/events.out.tfevents.<time>.<host>.<pid>.<n>.v2``."""

    _counter = 0
    _lock = threading.Lock()

    def __init__(self, logdir):
        os.makedirs(logdir, exist_ok=True)
        with EventFileWriter._lock:
            EventFileWriter._counter += 1
            n = EventFileWriter._counter
        name = f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}.{n}.v2"
        self.path = os.path.join(logdir, name)
        self._f = open(self.path, "ab")  # noqa: SIM115 - kept open for the run
        self._f.write(tfrecord(event_bytes(0, time.time(), file_version="brain.Event:2")))
        self._f.flush()

    def add_scalars(self, step, scalars):
        self._f.write(tfrecord(event_bytes(step, time.time(), scalars=scalars)))

    def add_histograms(self, step, histograms):
        self._f.write(tfrecord(event_bytes(step, time.time(), histograms=histograms)))

    def add_values(self, step, values):
        """Writes already-encoded ``Summary.Value`` messages (e.g. :func:`text_value`)."""
        self._f.write(tfrecord(event_bytes(step, time.time(), raw_values=values)))

    def flush(self):
        self._f.flush()

    def close(self):
        if not self._f.closed:
            self._f.close()
