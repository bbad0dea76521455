"""How much one page's websocket may send: the same budget in both class engines.

A learner's page sends a handful of messages when it opens and one per change of a factor.
A hostile page could send thousands a second: in the Voila mode that costs the server's
relay, in the Solara mode the one process that serves the whole class. Both engines give
every page a token bucket and close a connection that keeps sending what it may not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MESSAGE_RATE = 10.0  # messages a second, per page, sustained
MESSAGE_BURST = 40  # and in a burst (a page sends about 5 when it opens)
MAX_MESSAGE_BYTES = 64 * 1024  # the page's largest message is well under 1 KB
STRIKES = 50  # refused messages before the connection is closed
COOL_DOWN_S = 10.0  # a page whose socket was closed for flooding waits this long


@dataclass
class Bucket:
    """A token bucket: ``rate`` messages a second, ``burst`` at once."""

    rate: float
    burst: float
    tokens: float = 0.0
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def peek(self) -> float:
        """The tokens there are now, without taking one."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return self.tokens

    def take(self) -> bool:
        if self.peek() >= 1:
            self.tokens -= 1
            return True
        return False
