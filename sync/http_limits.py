"""The limits every HTTP server of the publisher's tools keeps: a request timeout and a bounded number of threads.

http.server's ThreadingHTTPServer starts a thread per connection and waits forever for a body that
was promised and never comes, so 300 idle sockets held 301 threads.
"""
from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

REQUEST_TIMEOUT_S = 30.0  # a slow phone network sends a 2 MiB batch well within this
MAX_CONNECTIONS = 64  # a small fleet posts every few minutes; more at once is a flood


class BoundedThreadingHTTPServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer that closes connections beyond `max_connections` at once, and whose
    handlers give up on a client that sends nothing for `request_timeout_s` (set on the handler)."""

    daemon_threads = True
    max_connections = MAX_CONNECTIONS

    def __init__(self, *args, **kwargs) -> None:
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)  # refused at once: no thread, no waiting
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()
