"""A webhook receiver on a free local port (a real HTTP server in a thread): it keeps every request,
answers with the statuses it is told to (500s, a redirect), or holds the answer until released (a
timeout), and de-duplicates by webhook-id as a receiver should."""
from __future__ import annotations

import threading

from werkzeug.wrappers import Request, Response

from tests.fakes.pki import ServerThread


class Receiver:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.seen_ids: set[str] = set()
        self.processed: list[str] = []   # event ids acted on, once each
        self.answers: list[int] = []     # statuses for the next requests (then 200)
        self.hold = threading.Event()    # set: answer at once; clear: wait until released or stopped
        self.hold.set()
        self._thread = ServerThread(self._wsgi)
        self.url = f"http://127.0.0.1:{self._thread.port}/hooks/sulah"

    def stop(self) -> None:
        self.hold.set()
        self._thread.stop()

    def _wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append({"path": request.path, "headers": dict(request.headers),
                              "body": request.get_data()})
        self.hold.wait(10)
        status = self.answers.pop(0) if self.answers else 200
        if status in (301, 302, 307, 308):
            response = Response("moved", status=status, headers={"Location": self.url + "/elsewhere"})
        else:
            if status == 200:
                event_id = request.headers.get("webhook-id", "")
                if event_id not in self.seen_ids:
                    self.seen_ids.add(event_id)
                    self.processed.append(event_id)
            response = Response("ok" if status == 200 else "server error", status=status)
        return response(environ, start_response)
