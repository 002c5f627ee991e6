"""``hf://`` presets through huggingface_hub against a loopback server that serves the hub's URL
layout (repo info, tree listing, resolve) at ``HF_ENDPOINT``: revisions, the cache, offline mode
and a missing repository. Nothing leaves the machine."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import pathlib
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import dlx
import dlx_hub

TINY = {"vocabulary_size": 30, "num_layers": 1, "num_heads": 2, "hidden_dim": 8, "intermediate_dim": 16,
        "max_sequence_length": 8, "dropout": 0.0}


class _Hub(http.server.BaseHTTPRequestHandler):
    repos: dict = {}   # repo id -> {revision name or sha: (sha, {filename: bytes})}
    log: list = []

    def log_message(self, *args):
        pass

    def _reply(self, code, body=b"", ctype="application/octet-stream", headers=None, head=False):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _handle(self, head):
        path = self.path.split("?")[0]
        self.log.append((self.command, path))
        for repo, revisions in self.repos.items():
            info = f"/api/models/{repo}/revision/"
            tree = f"/api/models/{repo}/tree/"
            resolve = f"/{repo}/resolve/"
            if path.startswith(info) and path[len(info):] in revisions:
                sha, files = revisions[path[len(info):]]
                body = json.dumps({"id": repo, "sha": sha, "siblings": [{"rfilename": f} for f in files]})
                return self._reply(200, body.encode(), "application/json", head=head)
            if path.startswith(tree) and path[len(tree):] in revisions:
                _, files = revisions[path[len(tree):]]
                body = json.dumps([{"type": "file", "path": f, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
                                   for f, b in files.items()])
                return self._reply(200, body.encode(), "application/json", head=head)
            if path.startswith(resolve):
                rev, _, name = path[len(resolve):].partition("/")
                if rev in revisions and name in revisions[rev][1]:
                    sha, files = revisions[rev]
                    body = files[name]
                    etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                    return self._reply(200, body, headers={"X-Repo-Commit": sha, "ETag": etag}, head=head)
        return self._reply(404, headers={"X-Error-Code": "RepoNotFound"}, head=head)

    def do_GET(self):
        self._handle(False)

    def do_HEAD(self):
        self._handle(True)


def _preset_files(backbone, path) -> dict:
    backbone.save_to_preset(path)
    return {p.name: p.read_bytes() for p in sorted(pathlib.Path(path).iterdir())}


@pytest.fixture
def hub(tmp_path):
    with dlx.backend.use("numpy"):
        main = dlx_hub.models.BertBackbone(**TINY)
        old = dlx_hub.models.BertBackbone(**TINY)
    main_files, old_files = _preset_files(main, tmp_path / "main"), _preset_files(old, tmp_path / "old")
    _Hub.repos = {"org/tiny-bert": {"main": ("a" * 40, main_files), "a" * 40: ("a" * 40, main_files),
                                    "v1": ("b" * 40, old_files), "b" * 40: ("b" * 40, old_files)}}
    _Hub.log = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    np.savez(tmp_path / "expected.npz", main=main.get_weights()[0], old=old.get_weights()[0])
    try:
        yield f"http://127.0.0.1:{server.server_port}", tmp_path
    finally:
        server.shutdown()
        server.server_close()


SCRIPT = textwrap.dedent("""
    import sys, numpy as np, dlx, dlx_hub
    expected = np.load(sys.argv[1])
    with dlx.backend.use("numpy"):
        for handle, key in (("hf://org/tiny-bert", "main"), ("hf://org/tiny-bert@v1", "old")):
            b = dlx_hub.models.BertBackbone.from_preset(handle)
            assert np.array_equal(b.get_weights()[0], expected[key]), handle
    try:
        dlx_hub.models.Backbone.from_preset(sys.argv[2])
    except FileNotFoundError as e:
        print("ERROR:", e)
    print("OK")
""")


def _run(endpoint, home, expected, other, offline=False):
    env = {**os.environ, "HF_ENDPOINT": endpoint, "HF_HOME": str(home), "HF_HUB_DISABLE_TELEMETRY": "1",
           "HF_HUB_DISABLE_PROGRESS_BARS": "1", "PYTHONWARNINGS": "ignore"}
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    return subprocess.run([sys.executable, "-c", SCRIPT, str(expected), other], env=env, capture_output=True,
                          text=True, timeout=300)


def test_hf_presets_revisions_cache_and_offline(hub):
    endpoint, tmp = hub
    res = _run(endpoint, tmp / "hf_home", tmp / "expected.npz", "hf://org/missing")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "OK" in res.stdout and "repository 'org/missing' was not found" in res.stdout
    fetched = [p for m, p in _Hub.log if m == "GET" and "/resolve/" in p]
    assert any(p.startswith("/org/tiny-bert/resolve/" + "a" * 40) for p in fetched)
    assert any(p.startswith("/org/tiny-bert/resolve/" + "b" * 40) for p in fetched)
    # offline: both revisions come from the cache, the server is not asked anything
    _Hub.log.clear()
    res = _run(endpoint, tmp / "hf_home", tmp / "expected.npz", "hf://org/never-downloaded", offline=True)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "OK" in res.stdout and "offline mode" in res.stdout
    assert not [p for _, p in _Hub.log if "tiny-bert" in p]
