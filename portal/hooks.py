"""Named hooks: how a package reaches a feature above it without importing it.

Layers import only downwards (import-linter checks it). Where a lower package must call into a higher
one (the case page shows the notices' summaries; policy asks the tribunal who may act), the lower
package declares a hook and the higher package provides it when the app starts (its `init_*`).
Calling a hook nobody provided is a programming error and says which package to initialise.

For announcements with any number of listeners use a blinker signal instead (portal.payments.signals).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class HookNotProvided(RuntimeError):
    pass


class Hook(Generic[F]):
    """One provider; calling the hook calls it."""

    def __init__(self, name: str, provided_by: str) -> None:
        self.name, self.provided_by = name, provided_by
        self._fn: F | None = None

    def provide(self, fn: F) -> F:
        self._fn = fn
        return fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._fn is None:
            raise HookNotProvided(f"hook {self.name} has no provider: {self.provided_by} provides it "
                                  "when the app is created")
        return self._fn(*args, **kwargs)


class Parts(Generic[F]):
    """Named contributions (e.g. sections of a page), in the order they were provided."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._parts: dict[str, F] = {}

    def provide(self, key: str, fn: F) -> F:
        self._parts[key] = fn
        return fn

    def collect(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return {key: fn(*args, **kwargs) for key, fn in self._parts.items()}
