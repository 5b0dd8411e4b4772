"""Server-sent events from a byte stream, tolerant of every framing providers use."""

from __future__ import annotations

import codecs


class SseDecoder:
    """Bytes in, each event's data out: `decode(data) -> list[str]`, `flush() -> list[str]`.

    Accepts CRLF or LF line ends and lines cut anywhere (even inside a UTF-8 character);
    ignores `event:`, `id:`, `retry:` and comment lines. A JSON document arriving without
    a `data:` prefix, possibly over several lines (Gemini sends errors that way inside a
    stream), is gathered by balancing its brackets and returned as one event. `[DONE]`
    is returned like any other data; what it means is the caller's business.
    """

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._partial = ""
        self._data: list[str] = []
        self._raw: list[str] = []
        self._depth = 0

    def decode(self, data: bytes) -> list[str]:
        text = self._partial + self._text.decode(data)
        lines = text.split("\n")
        self._partial = lines.pop()
        events: list[str] = []
        for line in lines:
            self._line(line.removesuffix("\r"), events)
        return events

    def flush(self) -> list[str]:
        events: list[str] = []
        rest = self._partial + self._text.decode(b"", final=True)
        self._partial = ""
        if rest:
            self._line(rest.removesuffix("\r"), events)
        self._dispatch(events)
        if self._raw:
            events.append("\n".join(self._raw))
            self._raw = []
        return events

    def _line(self, line: str, events: list[str]) -> None:
        if self._raw:
            self._gather(line, events)
            return
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return
        field, _, value = line.partition(":")
        if field == "data":
            self._data.append(value.removeprefix(" "))
        elif field in ("event", "id", "retry"):
            return
        elif line.lstrip().startswith(("{", "[")) and not self._data:
            self._gather(line, events)

    def _gather(self, line: str, events: list[str]) -> None:
        self._raw.append(line)
        self._depth += _depth_change(line)
        if self._depth <= 0:
            events.append("\n".join(self._raw))
            self._raw = []
            self._depth = 0

    def _dispatch(self, events: list[str]) -> None:
        if self._data:
            events.append("\n".join(self._data))
            self._data = []


def _depth_change(line: str) -> int:
    """Net open brackets on a line, ignoring those inside JSON strings."""
    depth = 0
    in_string = escaped = False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
    return depth
