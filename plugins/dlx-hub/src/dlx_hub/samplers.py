"""Next-token samplers for ``CausalLM.generate`` (run on the host, on NumPy logits).

``compile(sampler="greedy" | "top_k" | "top_p" | "random" | a Sampler)``, as in KerasHub.
"""

from __future__ import annotations

import numpy as np


class Sampler:
    """Picks the next token of each row from ``(batch, vocab)`` float logits.

    Arguments:
        temperature: logits are divided by it before sampling (``> 0``).
        seed: seeds NumPy's generator, so a seeded sampler repeats its choices.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.samplers import Sampler
    >>> logits = np.array([[0.1, 2.0, 0.5, 1.0]])
    >>> np.round(Sampler().probabilities(logits), 3)
    array([[0.086, 0.575, 0.128, 0.211]])
    >>> np.round(Sampler(temperature=2.0).probabilities(logits), 3)  # flatter
    array([[0.157, 0.406, 0.192, 0.246]])
    """

    def __init__(self, temperature: float = 1.0, seed: int | None = None):
        if not temperature > 0:
            raise ValueError(f"temperature must be > 0; got {temperature!r}")
        self.temperature, self.seed = float(temperature), seed
        self.rng = np.random.default_rng(seed)

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        """The temperature-scaled softmax of the logits, in float64.

        Arguments:
            logits: ``(batch, vocabulary)`` logits, a NumPy array.

        Returns:
            The probabilities, rows summing to 1.
        """
        z = logits.astype(np.float64) / self.temperature
        z -= z.max(axis=-1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=-1, keepdims=True)

    def _draw(self, p: np.ndarray) -> np.ndarray:
        u = self.rng.random((p.shape[0], 1))
        cdf = np.cumsum(p, axis=-1)
        return np.minimum((cdf < u * cdf[:, -1:]).sum(axis=-1), p.shape[-1] - 1)

    def __call__(self, logits: np.ndarray) -> np.ndarray:
        return self._draw(self.probabilities(logits))

    def get_config(self) -> dict:
        """The constructor arguments.

        Returns:
            A dict; the base gives ``temperature`` and ``seed``.
        """
        return {"temperature": self.temperature, "seed": self.seed}


class GreedySampler(Sampler):
    """The most likely token (ties: the lowest id).

    Example:

    >>> import numpy as np
    >>> from dlx_hub.samplers import GreedySampler
    >>> GreedySampler()(np.array([[0.1, 2.0, 0.5, 1.0], [3.0, 0.0, 0.0, 3.0]]))
    array([1, 0])
    """

    def __init__(self):
        super().__init__()

    def __call__(self, logits):
        return np.argmax(logits, axis=-1)

    def get_config(self) -> dict:
        return {}


class RandomSampler(Sampler):
    """A draw from the whole (temperature-scaled) distribution.

    Arguments:
        temperature: the logits are divided by it before the softmax (``> 0``; below 1 sharpens the
            distribution, above 1 flattens it).
        seed: seeds the sampler's NumPy generator, so that a seeded sampler repeats its draws
            (``None``: fresh entropy).

    Raises:
        ValueError: when ``temperature`` is not positive.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.samplers import RandomSampler
    >>> sampler = RandomSampler(seed=0)
    >>> flat = np.zeros((1, 4))  # every token equally likely
    >>> [int(sampler(flat)[0]) for _ in range(6)]
    [2, 1, 0, 0, 3, 3]
    """


class TopKSampler(Sampler):
    """A draw among the ``k`` most likely tokens.

    Arguments:
        k: how many of the most likely tokens are kept (a positive int; tokens tied with the
            ``k``-th are kept too, and a ``k`` above the vocabulary keeps all).
        temperature: the logits are divided by it before the softmax (``> 0``; below 1 sharpens the
            distribution, above 1 flattens it).
        seed: seeds the sampler's NumPy generator, so that a seeded sampler repeats its draws
            (``None``: fresh entropy).

    Raises:
        ValueError: when ``k`` is not a positive int or ``temperature`` is not positive.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.samplers import TopKSampler
    >>> sampler = TopKSampler(k=2, seed=0)
    >>> logits = np.array([[0.1, 2.0, 0.5, 1.0]])
    >>> [int(sampler(logits)[0]) for _ in range(8)]  # only tokens 1 and 3
    [1, 1, 1, 1, 3, 3, 1, 1]
    """

    def __init__(self, k: int = 5, temperature: float = 1.0, seed: int | None = None):
        super().__init__(temperature, seed)
        if not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive int; got {k!r}")
        self.k = k

    def __call__(self, logits):
        k = min(self.k, logits.shape[-1])
        kth = np.sort(logits, axis=-1)[:, -k][:, None]
        masked = np.where(logits >= kth, logits, -np.inf)
        return self._draw(self.probabilities(masked))

    def get_config(self) -> dict:
        return {**super().get_config(), "k": self.k}


class TopPSampler(Sampler):
    """Nucleus sampling: a draw from the smallest set of most likely tokens whose probability
    reaches ``p`` (optionally first cut to the ``k`` most likely).

    Arguments:
        p: the probability mass to keep, in ``(0, 1]``: tokens are kept, most likely first, while the
            mass before them is below ``p``.
        k: at most this many tokens are kept (a positive int, or ``None``: no limit).
        temperature: the logits are divided by it before the softmax (``> 0``; below 1 sharpens the
            distribution, above 1 flattens it).
        seed: seeds the sampler's NumPy generator, so that a seeded sampler repeats its draws
            (``None``: fresh entropy).

    Raises:
        ValueError: for ``p`` outside ``(0, 1]``, a ``k`` that is not a positive int or ``None``, or a
            ``temperature`` that is not positive.

    Example:

    >>> import numpy as np
    >>> from dlx_hub.samplers import TopPSampler
    >>> logits = np.array([[0.1, 2.0, 0.5, 1.0]])  # probabilities 0.086, 0.575, 0.128, 0.211
    >>> sampler = TopPSampler(p=0.6, seed=0)  # keeps token 1 (0.575), then token 3 (0.575 < 0.6)
    >>> [int(sampler(logits)[0]) for _ in range(8)]
    [1, 1, 1, 1, 3, 3, 1, 1]
    >>> TopPSampler(p=0.5)(logits)  # token 1 alone reaches 0.5
    array([1])
    """

    def __init__(self, p: float = 0.1, k: int | None = None, temperature: float = 1.0, seed: int | None = None):
        super().__init__(temperature, seed)
        if not 0 < p <= 1:
            raise ValueError(f"p must be in (0, 1]; got {p!r}")
        if k is not None and (not isinstance(k, int) or k < 1):
            raise ValueError(f"k must be a positive int or None; got {k!r}")
        self.p, self.k = float(p), k

    def __call__(self, logits):
        probs = self.probabilities(logits)
        order = np.argsort(-probs, axis=-1, kind="stable")
        sorted_p = np.take_along_axis(probs, order, axis=-1)
        cum = np.cumsum(sorted_p, axis=-1)
        keep = (cum - sorted_p) < self.p  # a token is kept while the mass before it is below p
        if self.k is not None:
            keep[:, self.k:] = False
        sorted_p = np.where(keep, sorted_p, 0.0)
        choice = self._draw(sorted_p / sorted_p.sum(axis=-1, keepdims=True))
        return np.take_along_axis(order, choice[:, None], axis=-1)[:, 0]

    def get_config(self) -> dict:
        return {**super().get_config(), "p": self.p, "k": self.k}


_BY_NAME = {"greedy": GreedySampler, "random": RandomSampler, "top_k": TopKSampler, "top_p": TopPSampler}


def get(identifier) -> Sampler:
    """A sampler from a name or an instance.

    Arguments:
        identifier: a :class:`Sampler` (returned as is) or ``"greedy"``, ``"random"``, ``"top_k"``,
            ``"top_p"`` (a new one with default arguments).

    Returns:
        The :class:`Sampler`.

    Raises:
        ValueError: for anything else.

    >>> type(get("top_k")).__name__
    'TopKSampler'
    """
    if isinstance(identifier, Sampler):
        return identifier
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    raise ValueError(f"sampler={identifier!r}: expected a Sampler or one of {sorted(_BY_NAME)}")
