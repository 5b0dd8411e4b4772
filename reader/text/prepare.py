"""Text as a voice should hear it: Markdown read as prose, the person's own pronunciations.

The window shows the original text and highlights what is heard in it, so every change
here keeps a map from the spoken text back to the original's characters.
"""

from __future__ import annotations

import re
import warnings
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from reader.text.delimiters import code_spans, emphasis_spans
from reader.text.sentences import Sentence, clean, is_speakable, split_sentences

CODE_NOTE = "Code block skipped."


@dataclass(frozen=True, slots=True)
class Pronunciation:
    """Say `replacement` wherever `pattern` appears: whole words for plain patterns
    (case-insensitive), a Python regular expression when `regex`."""

    pattern: str
    replacement: str
    regex: bool = False


class Dictionary:
    """A person's pronunciations, applied in order to every sentence for every provider."""

    def __init__(self, entries: Iterable[Pronunciation] = ()) -> None:
        self._rules: list[tuple[re.Pattern[str], str]] = []
        for entry in entries:
            if check_pronunciation(entry):
                continue  # settings loading has warned about it already
            if entry.regex:
                self._rules.append((_compile(entry.pattern), entry.replacement))
            else:
                # Whole words only: "Dr" must not change "Drive". Escapes in a plain
                # replacement are not template syntax.
                word = rf"(?<!\w){re.escape(entry.pattern)}(?!\w)"
                literal = entry.replacement.replace("\\", "\\\\")
                self._rules.append((re.compile(word, re.IGNORECASE), literal))

    def __bool__(self) -> bool:
        return bool(self._rules)

    def apply(self, text: str) -> str:
        for pattern, replacement in self._rules:
            text = pattern.sub(replacement, text)
        return text


def check_pronunciation(entry: Pronunciation) -> str | None:
    """Why `entry` cannot be used (one line), or None when it can."""
    if not entry.pattern:
        return "The text to replace is empty."
    if entry.regex:
        # Compiled and tried once now, so a mistake is one skipped entry and not a crash
        # on the first sentence: re raises more than re.error (IndexError for an unknown
        # group name in the replacement, OverflowError for "a{4294967295}",
        # RecursionError for very deep nesting).
        try:
            compiled = _compile(entry.pattern)
            compiled.sub(entry.replacement, "")
        except re.error as error:
            return f"'{entry.pattern}' is not a valid regular expression: {error}."
        except (IndexError, OverflowError, ValueError, RecursionError, MemoryError) as error:
            return f"'{entry.pattern}' → '{entry.replacement}' cannot be used: {error}."
        if compiled.match(""):
            return f"'{entry.pattern}' matches empty text; it would change every position."
    return None


def _compile(pattern: str) -> re.Pattern[str]:
    # re warns about syntax whose meaning may change in a later Python ("[[" as a nested
    # set); the person's pattern means today what it does today, and a warning printed
    # in the middle of a reading helps nobody.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(pattern)


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int
    end: int
    replacement: str


class Prepared:
    """The spoken form of a text and, for each of its characters, where it came from."""

    def __init__(self, original: str, edits: Sequence[_Edit]) -> None:
        parts: list[str] = []
        starts = array("i")  # original offset of each spoken character
        ends = array("i")  # original offset just past it
        position = 0
        # An insertion (start == end) goes before a replacement starting at the same
        # place: a table row's ".\n" before the setext underline that follows the row.
        # Taken the other way round, the text after the replacement was spoken twice and
        # the map ran backwards.
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            if edit.start < position:
                continue  # overlapping edits are refused by _Edits; never map backwards
            parts.append(original[position : edit.start])
            starts.extend(range(position, edit.start))
            ends.extend(range(position + 1, edit.start + 1))
            parts.append(edit.replacement)
            starts.extend([edit.start] * len(edit.replacement))
            ends.extend([edit.end] * len(edit.replacement))
            position = edit.end
        parts.append(original[position:])
        starts.extend(range(position, len(original)))
        ends.extend(range(position + 1, len(original) + 1))
        self.spoken = "".join(parts)
        self._starts = starts
        self._ends = ends

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original characters that spoken[start:end] came from."""
        if end <= start:
            return self._starts[start], self._starts[start]
        return self._starts[start], self._ends[end - 1]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
# A link's text stops at the next "[" as well as at "]", and its target at a bracket:
# otherwise every unclosed "[" on a line (or "[x](" without its ")") scanned to the
# line's (the text's) end, quadratic in its length. (CommonMark too reads
# "[a [b](url)" as "[a " and a link "b".)
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(([^)\s\[\]]*)(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^)\s\[\]]*)(?:\s+\"[^\"]*\")?\)")
_REFERENCE_LINK = re.compile(r"\[([^\[\]\n]+)\]\[[^\]\n]*\]")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]+\S+[^\n]*$", re.M)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+)>")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
# The heading's text is the rest of the line; its closing "#"s are stripped in code: as
# `[ \t]+(.*?)[ \t]*#*[ \t]*$` a line of "# a", 2,000 spaces and "b" took 5 s (cubic).
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*)$", re.M)
_SETEXT = re.compile(r"^([^\n]+)\n {0,3}(=+|-+)[ \t]*$", re.M)
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.M)
_QUOTE = re.compile(r"^ {0,3}(?:>[ \t]?)+", re.M)
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?", re.M)
# Runs of blanks are possessive (*+): giving some back can never help a match, and
# trying it made a line of 64,000 spaces take 29 s.
_TABLE_RULE = re.compile(
    r"^[ \t]*+\|?[ \t]*+:?-{3,}:?[ \t]*+(?:\|[ \t]*+:?-{3,}:?[ \t]*+)*\|?[ \t]*+$", re.M
)
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.M)
_HTML_TAG = re.compile(
    r"</?(?:b|i|em|strong|u|s|del|ins|mark|sub|sup|span|br|p|small)\b[^<>]*>", re.I
)


_SPACE_BEFORE_MARK = re.compile(r"\s+([,.;:!?])")
# One regex search holds the interpreter lock from start to end. Over a megabyte with no
# match, _SETEXT alone held it for 32 ms, and the window's event loop with it, while a
# reading was prepared on a worker. The line patterns are searched this many characters
# at a time, up to a blank line, which none of them can match across.
_SEARCH_WINDOW = 1 << 15


def _by_blocks(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern that matches within a block of lines, in
    windows that end at a blank line, so no single search is long."""
    start = 0
    while start < len(text):
        blank = text.find("\n\n", start + _SEARCH_WINDOW)
        end = len(text) if blank < 0 else blank + 1
        yield from pattern.finditer(text, start, end)
        start = end


class _Edits:
    """Non-overlapping edits of one text; a span already taken is left alone by later
    rules (a URL inside a link target is not read, a code block is not re-parsed).

    What is taken is kept per character, so each check and each edit costs its own
    length and nothing more: a long Markdown text makes many thousands of edits, and a
    sorted list of spans grew by insertion in the middle (quadratic; 1 s of 3.8 s for a
    640 KB document).
    """

    def __init__(self, length: int) -> None:
        self.items: list[_Edit] = []
        self._taken = bytearray(length + 1)  # 1 where a character belongs to a span
        self._starts = bytearray(length + 1)  # 1 where a span starts
        self._points = bytearray(length + 1)  # 1 where an insertion (empty span) is

    def free(self, start: int, end: int) -> bool:
        if start == end:  # an insertion: not strictly inside a span
            inside = start > 0 and self._taken[start - 1] and self._taken[start]
            return not (inside and not self._starts[start])
        # Nothing taken in [start, end), and no insertion strictly inside it.
        return self._taken.find(1, start, end) < 0 and self._points.find(1, start + 1, end) < 0

    def add(self, start: int, end: int, replacement: str = "") -> None:
        if self.free(start, end):
            self.items.append(_Edit(start, end, replacement))
            self.protect(start, end)

    def protect(self, start: int, end: int) -> None:
        if start == end:
            self._points[start] = 1
            return
        self._taken[start:end] = b"\x01" * (end - start)
        self._starts[start] = 1


# The host of a URL urlsplit refuses: after the scheme and any user, up to the first
# character that is not part of a name ("example.com／guide" → "example.com").
_LOOSE_HOST = re.compile(r"(?:[^\s/@]*@)?\[?([\w.:-]*\w)")


def _domain(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else f"http://{url}").hostname or url
    except ValueError:
        # A full-width slash (common in CJK text), an unclosed "[", a port out of range:
        # still a link the person pasted, so its name is read rather than the text refused.
        rest = url.split("://", 1)[-1]
        loose = _LOOSE_HOST.match(rest)
        host = loose.group(1).lower() if loose else rest
    return host.removeprefix("www.")


def read_markdown(text: str) -> Prepared:
    """`text` with Markdown syntax taken out: links read as their text, bare URLs as their
    domain, code blocks as a short note, headings and list items as their own
    paragraphs. Plain text passes through nearly untouched."""
    edits = _Edits(len(text))
    for match in _FENCE.finditer(text):
        edits.add(match.start(), match.end(), f"\n\n{CODE_NOTE}\n\n")
    for start, end, ticks in code_spans(text):
        if edits.free(start, end):
            edits.add(start, start + ticks)
            edits.add(end - ticks, end)
            edits.protect(start + ticks, end - ticks)  # code is read as written
    for match in _by_blocks(_LINK_DEFINITION, text):
        edits.add(match.start(), match.end())
    for pattern in (_IMAGE, _LINK, _REFERENCE_LINK):
        for match in pattern.finditer(text):
            if edits.free(match.start(), match.end()):
                edits.add(match.start(), match.start(1))  # "![" or "["
                edits.add(match.end(1), match.end())  # "](target)"
    for match in _AUTOLINK.finditer(text):
        edits.add(match.start(), match.end(), _domain(match.group(1)))
    for match in _URL.finditer(text):
        edits.add(match.start(), match.end(), _domain(match.group()))
    for match in _by_blocks(_HEADING, text):
        title = match.group(2).rstrip(" \t").rstrip("#").rstrip(" \t")
        edits.add(match.start(), match.start(2))
        # A heading is a paragraph of its own.
        edits.add(match.start(2) + len(title), match.end(), "\n")
    for match in _by_blocks(_SETEXT, text):
        if match.group(1).strip() and not _LIST_ITEM.match(match.group(1)):
            edits.add(match.end(1), match.end(), "\n")
    for pattern in (_RULE, _TABLE_RULE):
        for match in _by_blocks(pattern, text):
            edits.add(match.start(), match.end())
    for match in _by_blocks(_TABLE_ROW, text):
        row = match.group()
        if _TABLE_RULE.fullmatch(row):
            continue
        bars = [match.start() + i for i, ch in enumerate(row) if ch == "|"]
        for first, bar in enumerate(bars):
            edge = first == 0 or first == len(bars) - 1
            edits.add(bar, bar + 1, "" if edge else ",")
        edits.add(match.end(), match.end(), ".\n")
    for match in _by_blocks(_QUOTE, text):
        edits.add(match.start(), match.end())
    for match in _by_blocks(_LIST_ITEM, text):
        # Each item its own paragraph, so items do not run together into one sentence.
        edits.add(match.start(), match.end(), "\n" if match.start() else "")
    for start, end, marker in emphasis_spans(text):
        if edits.free(start, start + marker):
            edits.add(start, start + marker)
            edits.add(end - marker, end)
    for match in _HTML_TAG.finditer(text):
        edits.add(match.start(), match.end(), " ")
    return Prepared(text, edits.items)


def plain(text: str) -> Prepared:
    return Prepared(text, ())


def speech_sentences(
    text: str, markdown: bool = True, dictionary: Dictionary | None = None
) -> list[Sentence]:
    """The sentences a voice reads for `text`, each with its offsets in `text` itself and
    its spoken form after Markdown and the person's pronunciations."""
    prepared = read_markdown(text) if markdown else plain(text)
    sentences: list[Sentence] = []
    for sentence in split_sentences(prepared.spoken):
        spoken = _SPACE_BEFORE_MARK.sub(r"\1", sentence.text)
        if dictionary:
            spoken = clean(dictionary.apply(spoken))
            if not is_speakable(spoken):
                continue
        start, end = prepared.original_span(sentence.start, sentence.end)
        sentences.append(Sentence(len(sentences), start, end, spoken, sentence.starts_paragraph))
    return sentences
