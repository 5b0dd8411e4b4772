"""Reading: text in, audio out, on its own threads.

`engine.Reading` plans requests (`planner`), fetches ahead of playback within what the
endpoint needs (`fetch`, `pace`), moves audio in order into the output (`playback`), knows
which sentence is heard (`timeline`), takes requests from any thread (`controls`) and tells
listeners what happens (`events`). `cache` keeps what was paid for, `cost` counts it,
`exporting` writes a reading to a file, `factory` makes readings one way for the terminal
and the window. May import every layer below (`audio`, `keys`, `text`, `providers`,
`settings`); never `cli` or `ui`, and never Qt.
"""
