"""Keras's ``Progbar``: a progress bar that averages the values it is given over steps."""

from __future__ import annotations

from dlx.callbacks.progbar_logger import Progbar as _Bar


class Progbar(_Bar):
    """A progress bar fed ``(name, value)`` pairs.

    Values are averaged over the steps they were reported for (weighted by the steps each
    update advanced), except names in ``stateful_metrics`` (shown as given). With
    ``stateless_metrics`` instead, only those names are averaged.

    Arguments:
        target: the total number of steps (``None``: unknown).
        width: the bar's width in characters.
        verbose: 1 (bar), 2 (a line at the end), 0 (silent).
        interval: the minimum seconds between redraws.
        stateful_metrics: names shown as given (not averaged).
        stateless_metrics: names averaged (all others shown as given); not with ``stateful_metrics``.
        unit_name: the step unit shown in rates.

    Example:

    >>> from dlx import utils
    >>> bar = utils.Progbar(2, verbose=2)
    >>> bar.update(1, [("loss", 1.0)])
    >>> bar.update(2, [("loss", 0.5)])  # verbose=2: one line at the end, with timing
    2/2 ... - loss: 0.5000
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None, stateless_metrics=None,
                 unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: pass stateful_metrics or stateless_metrics, not both")
        super().__init__(target, width=width, verbose=verbose, interval=interval, unit_name=unit_name)
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics is not None else (
            None if stateless_metrics is not None else set())
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        self._sums: dict = {}
        self._seen_so_far = 0

    def _averaged(self, name) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(self, current, values=None, finalize=None):
        """Sets the progress to step ``current``.

        Arguments:
            current: the index of the current step.
            values: ``[(name, value_for_last_step), ...]``.
            finalize: whether this is the last update (default: ``current >= target``).
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or []:
            if self._averaged(name) and not finalize:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._sums.get(name, (0.0, 0))
                self._sums[name] = (total + value * steps, count + steps)
            else:
                self._sums[name] = (value, 1)
        self._seen_so_far = current
        shown = {name: total / count for name, (total, count) in self._sums.items()}
        super().update(current, shown, finalize=finalize)

    def add(self, n, values=None):
        """Advances the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)
