"""Building an app makes its Celery app the process default and the current one, which `shared_task`s
resolve to; tests that build a second app put back the test session's (eager) app afterwards."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from celery import _state as celery_state


@contextlib.contextmanager
def keep_celery_current() -> Iterator[None]:
    saved_default, saved_current = celery_state.default_app, celery_state._tls.current_app
    try:
        yield
    finally:
        celery_state.set_default_app(saved_default)
        celery_state._set_current_app(saved_current)
