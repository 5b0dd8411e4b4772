"""The mimeType of each Gemini part, on any text: a playable format or StreamBroken."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import tests.properties  # noqa: F401  (the example counts)
from reader.audio.format import AudioFormat
from reader.errors import StreamBroken
from reader.providers.gemini import pcm_format

MIMES = st.one_of(
    st.text(max_size=60),
    st.builds(
        "audio/L16;rate={};channels={}".format,
        st.integers(-10, 10**30) | st.text("0123456789", max_size=40),
        st.integers(-10, 10**6),
    ),
)


@given(MIMES)
def test_any_mime_type_gives_a_playable_format_or_stream_broken(mime: str) -> None:
    try:
        fmt = pcm_format(mime)
    except StreamBroken:
        return
    assert isinstance(fmt, AudioFormat)
    assert 1000 <= fmt.sample_rate <= 768_000 and 1 <= fmt.channels <= 16
