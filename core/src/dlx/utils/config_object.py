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
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self):
        object.__setattr__(self, "_frozen", False)

    def _check(self, what):
        if self._frozen:
            raise ValueError(f"Config is frozen: cannot {what}")

    def as_dict(self) -> dict:
        return copy.copy(self._config)

    def to_json(self) -> str:
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._check(f"pop {args[0]!r}" if args else "pop")
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
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
