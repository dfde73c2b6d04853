"""Wait for a real condition (a server answering, a line in a log), with a deadline.

The one place the tests poll: a condition is checked every ``interval``
seconds until it holds, the deadline passes, or the process being waited
for has died. Browser tests wait with Playwright's own ``expect`` and
``wait_for_function`` instead.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object],
    timeout: float,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    interval: float = 0.2,
    details: Callable[[], str] = lambda: "",
):
    """Return the first true value of ``condition()``; raise ``AssertionError`` naming ``what`` otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if not alive():
            raise AssertionError(f"the process stopped before {what}\n{details()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{details()}")
        time.sleep(interval)
