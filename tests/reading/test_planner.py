"""The plan of requests: one grid for the whole text, heads that rejoin it, pauses."""

from __future__ import annotations

from reader.reading.fetch import ChunkSlot
from reader.reading.planner import Planner
from reader.text.sentences import split_sentences

TEXT = "One is short. " + "This sentence has a fair number of words in it. " * 8 + "\n\nNew part."


def test_a_start_inside_a_grid_chunk_gets_a_head_then_rejoins_the_grid() -> None:
    sentences = split_sentences(TEXT)
    planner = Planner(sentences, lambda: 4096)
    grid = planner.plan_from(0)
    assert grid[0].sentences == (0,) and len(grid) >= 3
    second = grid[1]
    assert planner.plan_from(second.sentences[0]) == grid[1:]  # begins a chunk: the grid
    inside = planner.plan_from(second.sentences[2])
    head = [c for c in inside if c not in grid]
    assert head[0].sentences[0] == second.sentences[2]
    assert head[-1].sentences[-1] == second.sentences[-1]
    assert inside[len(head) :] == grid[2:]  # the rest is the grid's, found in the cache


def test_pauses_go_before_sentences_and_paragraphs_never_inside_a_sentence() -> None:
    sentences = split_sentences(TEXT)
    planner = Planner(sentences, lambda: 4096, pauses=(0.2, 0.5))
    plan = planner.plan_from(0)  # a sentence pause: one sentence per request
    assert all(len(c.sentences) == 1 for c in plan)
    slots = [ChunkSlot(c) for c in plan]
    assert planner.pause_before(slots, 1) == 0.2
    assert planner.pause_before(slots, len(slots) - 1) == 0.5  # "New part." starts one
    broken = slots[1]
    planner.ask_again(slots, broken, 0)  # the rest of a broken request: no pause
    assert slots[2].chunk.sentences == broken.chunk.sentences and slots[2].attempt == 1
    assert planner.pause_before(slots, 2) == 0.0
