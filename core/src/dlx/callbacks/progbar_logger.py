"""Progress bars: :class:`Progbar` (a terminal progress bar with ETA and live metrics) and
the :class:`ProgbarLogger` callback."""

from __future__ import annotations

import logging
import math
import sys
import time

import numpy as np

from dlx.callbacks.callback import Callback


def _fmt_value(v) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        x = float(a)
        return f"{x:.4f}" if abs(x) >= 1e-3 or x == 0 else f"{x:.4e}"
    return "[" + " ".join(_fmt_value(e) for e in a.reshape(-1)[:8]) + (" ...]" if a.size > 8 else "]")


def _fmt_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{round(seconds)}s"


def _fmt_rate(seconds_per_step: float, unit: str) -> str:
    if seconds_per_step >= 1:
        return f"{seconds_per_step:.0f}s/{unit}"
    if seconds_per_step >= 1e-3:
        return f"{seconds_per_step * 1e3:.0f}ms/{unit}"
    return f"{seconds_per_step * 1e6:.0f}us/{unit}"


class Progbar:
    """A progress bar.

    On a terminal it redraws one line in place (``\\r``) with the bar, the ETA and the latest
    values, at most every ``interval`` seconds; elsewhere (logs, pipes, notebooks' files) it
    prints only a final line per run.

    Arguments:
        target: the total number of steps (``None``: unknown).
        width: the bar's width in characters.
        verbose: 1 (bar), 2 (final line only), 0 (silent).
        interval: the minimum seconds between redraws.
        unit_name: the step unit shown in rates.
        stream: where to write (default ``sys.stdout``).

    Example:

    >>> import io
    >>> from dlx import callbacks
    >>> out = io.StringIO()
    >>> bar = callbacks.Progbar(3, verbose=2, stream=out)
    >>> bar.update(3, {"loss": 0.25})
    >>> print(out.getvalue().strip())
    3/3 ... - loss: 0.2500
    """

    def __init__(self, target, width=30, verbose=1, interval=0.05, unit_name="step", stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream or sys.stdout
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._start = time.time()
        self._last_draw = 0.0
        self._values: dict = {}
        self._prev_len = 0
        self._done = False

    def update(self, current, values=None, finalize=None):
        """Sets the progress to ``current`` steps with the latest ``values`` (name -> value or
        a callable returning them, evaluated only when drawn)."""
        if values is not None:
            self._values = values
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.time()
        if self.verbose == 0 or self._done:
            return
        if not finalize and (not self.dynamic or self.verbose != 1 or now - self._last_draw < self.interval):
            return
        self._last_draw = now
        values = self._values() if callable(self._values) else self._values
        elapsed = now - self._start
        per_step = elapsed / current if current else 0.0
        metrics = "".join(f" - {k}: {_fmt_value(v)}" for k, v in (values or {}).items())
        if self.target is not None:
            digits = int(math.log10(max(self.target, 1))) + 1
            count = f"{current:{digits}d}/{self.target}"
        else:
            count = f"{current}"
        if finalize:
            timing = f" {_fmt_time(elapsed)} {_fmt_rate(per_step, self.unit_name)}"
            line = f"{count}" + (f" {self._bar(current)}" if self.verbose == 1 else "") + f"{timing}{metrics}"
            self._write(line, final=True)
            self._done = True
            return
        eta = per_step * (self.target - current) if self.target is not None else None
        timing = f" ETA: {_fmt_time(eta)}" if eta is not None else f" {_fmt_time(elapsed)}"
        self._write(f"{count} {self._bar(current)}{timing}{metrics}", final=False)

    def _bar(self, current):
        if self.target is None:
            return ""
        frac = min(1.0, current / self.target) if self.target else 1.0
        filled = int(self.width * frac)
        arrow = ">" if filled < self.width else ""
        return "[" + "=" * max(0, filled - (1 if arrow else 0)) + arrow + "." * (self.width - filled) + "]"

    def _write(self, line, final):
        from dlx import config

        if not config.is_interactive_logging_enabled():  # keras.config.disable_interactive_logging
            if final:
                logging.getLogger("dlx").info(line)
            return
        if self.dynamic:
            pad = max(0, self._prev_len - len(line))
            self.stream.write("\r" + line + " " * pad + ("\n" if final else ""))
            self._prev_len = len(line)
        elif final:
            self.stream.write(line + "\n")
        self.stream.flush()


class ProgbarLogger(Callback):
    """Prints ``Epoch i/n`` and a :class:`Progbar` per epoch (and for evaluate/predict).

    ``verbose="auto"``/1 shows a live bar on a terminal (one line per epoch elsewhere); 2 always
    prints one line per epoch. Output goes to ``sys.stdout`` (the ``stream`` attribute, when set,
    redirects it), or to the ``"dlx"`` logger after ``dlx.config.disable_interactive_logging()``.
    """

    requires_model_state = False

    def __init__(self):
        super().__init__()
        self.stream = None
        self._bar = None
        self._seen = 0
        self._logs = None
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        v = params.get("verbose", 1)
        self.verbose = 1 if v == "auto" else int(v)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _new_bar(self, target):
        self._bar = Progbar(target, verbose=self.verbose, stream=self.stream)
        self._seen = 0
        self._logs = None

    def _values(self):
        from dlx.trainers.trainer import pythonify_logs

        return pythonify_logs(self._logs)

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        from dlx import config

        if self.verbose and not config.is_interactive_logging_enabled():
            logging.getLogger("dlx").info(f"Epoch {epoch + 1}/{self.epochs}")
        elif self.verbose:
            (self.stream or sys.stdout).write(f"Epoch {epoch + 1}/{self.epochs}\n")
        self._new_bar(self.target)

    def on_train_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        self._logs = logs
        if self._bar is not None:
            self._bar.update(self._seen, self._values, finalize=False)

    def on_epoch_end(self, epoch, logs=None):
        if self._bar is not None:
            self._bar.target = self._bar.target or self._seen
            self._bar.update(self._seen, dict(logs or {}), finalize=True)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar(self.target)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit and self._bar is not None:
            self._seen = batch + 1
            self._logs = logs
            self._bar.update(self._seen, self._values, finalize=False)

    def on_test_end(self, logs=None):
        if not self._in_fit and self._bar is not None:
            self._bar.target = self._bar.target or self._seen
            self._bar.update(self._seen, dict(logs or {}), finalize=True)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.target)

    def on_predict_batch_end(self, batch, logs=None):
        self._seen = batch + 1
        if self._bar is not None:
            self._bar.update(self._seen, {}, finalize=False)

    def on_predict_end(self, logs=None):
        if self._bar is not None:
            self._bar.target = self._bar.target or self._seen
            self._bar.update(self._seen, {}, finalize=True)
