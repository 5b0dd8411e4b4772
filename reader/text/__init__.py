"""Text: what is read, before any voice is involved.

`sentences` splits text into sentences with offsets into the original and groups them into
requests; `prepare` reads Markdown as prose and applies pronunciations, keeping the map back
to the original; `subtitles` writes SRT and WebVTT from sentence timings. May import
`errors`, `files` and `audio.format`; never providers or readings.
"""
