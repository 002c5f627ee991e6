"""``Config``: a dict with attribute access that can be frozen and written as JSON."""

from __future__ import annotations

import copy
import json


class Config:
    """Settings as attributes or items; :meth:`freeze` makes later changes raise.

    >>> c = Config(learning_rate=0.1)
    >>> c.seed = 1
    >>> c["seed"], c.learning_rate
    (1, 0.1)
    >>> c.freeze()
    >>> c.seed = 2
    Traceback (most recent call last):
    ...
    ValueError: Config is frozen: cannot set 'seed'
    """

    _OWN = frozenset({"_config", "_frozen"})

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        return self._frozen

    def freeze(self):
        """Makes the config read-only: setting, deleting, popping or updating entries then raises
        ``ValueError``.
        """
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        """Makes a frozen config writable again."""
        object.__setattr__(self, "_frozen", False)

    def _check(self, what):
        if self._frozen:
            raise ValueError(f"Config is frozen: cannot {what}")

    def as_dict(self) -> dict:
        """The entries as a new dict (a shallow copy).

        Returns:
            A dict.
        """
        return copy.copy(self._config)

    def to_json(self) -> str:
        """The entries as a JSON string.

        Returns:
            A str.

        Raises:
            TypeError: when a value is not JSON-serializable.
        """
        return json.dumps(self._config)

    def keys(self):
        """The entry names.

        Returns:
            A view of the keys.
        """
        return self._config.keys()

    def values(self):
        """The entry values.

        Returns:
            A view of the values.
        """
        return self._config.values()

    def items(self):
        """The ``(name, value)`` pairs.

        Returns:
            A view of the pairs.
        """
        return self._config.items()

    def get(self, keyname, value=None):
        """The value of an entry, or a fallback when it is absent.

        Arguments:
            keyname: the entry name.
            value: what to return when there is no such entry.

        Returns:
            The entry's value, or ``value``.
        """
        return self._config.get(keyname, value)

    def pop(self, *args):
        """Removes an entry and returns its value, as ``dict.pop``.

        Arguments:
            *args: the entry name, optionally followed by a fallback returned when it is absent.

        Returns:
            The removed value (or the fallback).

        Raises:
            ValueError: when the config is frozen.
            KeyError: when the entry is absent and no fallback was given.
        """
        self._check(f"pop {args[0]!r}" if args else "pop")
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        """Adds or replaces entries, as ``dict.update``.

        Arguments:
            *args: a mapping or an iterable of ``(name, value)`` pairs.
            **kwargs: entries given by name.

        Raises:
            ValueError: when the config is frozen.
        """
        self._check("update")
        self._config.update(*args, **kwargs)

    def __setattr__(self, name, value):
        if name in self._OWN or hasattr(type(self), name):
            raise AttributeError(f"Config: {name!r} is a method or property of Config; set it as an item")
        self._check(f"set {name!r}")
        self._config[name] = value

    def __getattr__(self, name):
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        raise AttributeError(f"Config has no attribute {name!r}; it holds {sorted(config)}")

    def __delattr__(self, name):
        self._check(f"delete {name!r}")
        if name not in self._config:
            raise AttributeError(f"Config has no attribute {name!r}")
        del self._config[name]

    def __setitem__(self, key, value):
        self._check(f"set {key!r}")
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._check(f"delete {key!r}")
        del self._config[key]

    def __contains__(self, item):
        return item in self._config

    def __len__(self):
        return len(self._config)

    def __iter__(self):
        return iter(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
