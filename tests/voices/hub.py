"""A loopback stand-in for the model hub: serves real files by path, honours Range
requests as Hugging Face's CDN does (206 with Content-Range), and fails on demand."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass
class Faults:
    # path → bytes to send before dropping the connection (once per path)
    drop_after: dict[str, int] = field(default_factory=dict)
    # path → bytes to send before dropping the connection, on every request
    drop_always: dict[str, int] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # paths answering 404
    wrong: set[str] = field(default_factory=set)  # paths whose bytes are altered
    slow: float = 0.0  # seconds to sleep between 64 KiB blocks


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-file (Cancel, a drop) is part of the tests


class Hub:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.faults = Faults()
        self.requests: list[tuple[str, str]] = []  # (path, Range header)
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                hub._serve(self)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Hub:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        path = request.path.lstrip("/")
        wanted = request.headers.get("Range", "")
        self.requests.append((path, wanted))
        body = self.files.get(path)
        if body is None or path in self.faults.missing:
            request.send_response(404)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        if path in self.faults.wrong:
            body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        start = 0
        if wanted.startswith("bytes="):
            start = int(wanted[6:].split("-")[0])
            request.send_response(206)
            request.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            request.send_response(200)
        request.send_header("Content-Length", str(len(body) - start))
        request.send_header("Content-Type", "application/octet-stream")
        request.end_headers()
        drop = self.faults.drop_after.pop(path, self.faults.drop_always.get(path))
        end = len(body) if drop is None else min(len(body), start + drop)
        position = start
        try:
            while position < end:
                block = body[position : min(end, position + 65536)]
                request.wfile.write(block)
                position += len(block)
                if self.faults.slow:
                    time.sleep(self.faults.slow)
        except (BrokenPipeError, ConnectionResetError):
            return
        if drop is not None:
            request.close_connection = True
            request.wfile.flush()
            # Cut mid-body: the client sees the connection end before Content-Length.
            request.connection.shutdown(2)
