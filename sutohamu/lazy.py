"""A third-party module imported on first use, for a module that names it in many places.

`np = lazy_module("numpy", globals(), "np")` binds a stand-in; the first attribute read through it
imports the module and puts the module itself in the stand-in's place, so every later `np.…` reads
the real module at full speed. A process that never uses the module never imports it (NumPy costs
about 0.1 s of CPU to import in every process that loads the app, and only a solve needs it).
"""

from __future__ import annotations

import importlib
from typing import Any


class _OnFirstUse:
    def __init__(self, name: str, namespace: dict[str, Any], alias: str) -> None:
        self._name, self._namespace, self._alias = name, namespace, alias

    def __getattr__(self, attribute: str) -> Any:
        module = importlib.import_module(self._name)
        self._namespace[self._alias] = module
        return getattr(module, attribute)


def lazy_module(name: str, namespace: dict[str, Any], alias: str) -> Any:
    """A stand-in for module `name`, bound as `alias` in `namespace` (a module's globals())."""
    return _OnFirstUse(name, namespace, alias)
