"""POST epoch results to an HTTP server."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import warnings

import numpy as np

from dlx.callbacks.callback import Callback


class RemoteMonitor(Callback):
    """Sends ``{"epoch": e, **logs}`` to ``root + path`` with an HTTP POST after every epoch.

    Arguments:
        root: the server's root URL.
        path: the path appended to ``root``.
        field: the form field holding the JSON data (when not ``send_as_json``).
        headers: extra HTTP headers.
        send_as_json: send the JSON as the request body (``Content-Type: application/json``).

    Each request gives up after ``timeout`` seconds, an attribute (default 10; Keras's constructor
    has no such argument).
    """

    requires_model_state = False

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = dict(headers or {})
        self.send_as_json = send_as_json
        self.timeout = 10.0  # seconds per request (an attribute: Keras's constructor has no such argument)

    def on_epoch_end(self, epoch, logs=None):
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            a = np.asarray(v)
            send[k] = a.item() if a.ndim == 0 else a.tolist()
        if self.send_as_json:
            body = json.dumps(send).encode()
            headers = {"Content-Type": "application/json", **self.headers}
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **self.headers}
        req = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                resp.read()
        except (urllib.error.URLError, OSError) as e:
            warnings.warn(f"RemoteMonitor: could not reach {self.root + self.path}: {e}", RuntimeWarning,
                          stacklevel=2)
