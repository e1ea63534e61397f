"""Working with the catalog itself: finding tools (``query``), checking its integrity beyond the
schema (``lint``), and importing landscape files (``landscape`` reads, ``merge`` writes).

``layers`` loads catalog folders keeping every tool's file and position, which all of them need
to say where a fact came from.
"""
