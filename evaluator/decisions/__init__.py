"""Version-controlled stack decisions: MADR-style records, a staleness check, score diffs.

The modules here are a pure core (no printing, no exits) plus two thin adapters for the outside
world: ``gitio`` (read old files through git) and ``service`` (files on disk). The CLI in
``evaluator.cli.decisions_cmd`` only parses options and prints what ``service`` returns.
"""
