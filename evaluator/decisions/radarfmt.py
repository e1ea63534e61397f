"""The radar in the formats radar tools read, exactly as their projects define them.

- ``byor-csv`` and ``byor-json``: Thoughtworks Build Your Own Radar, one blip per row with
  ``name, ring, quadrant, isNew, status, description`` (``isNew`` ``TRUE``/``FALSE``, ``status``
  ``New``/``Moved In``/``Moved Out``/``No Change``; four rings). BYOR renders descriptions as
  HTML, so they are HTML-escaped; a cell that a spreadsheet would run as a formula (``=``, ``+``,
  ``-``, ``@`` first) gets a leading apostrophe, since BYOR sheets live in Google Sheets.
- ``backstage``: the Backstage tech-radar plugin's ``TechRadarLoaderResponse``:
  ``{quadrants: [{id, name}], rings: [{id, name, color, description}], entries: [{key, id,
  quadrant, title, url, description, timeline: [{date, ringId, description, moved}]}]}``, with
  ``moved`` a number (1 up towards adopt, 0 no change, -1 down), timeline newest first.
  Descriptions are Markdown there, so they are made inert Markdown.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from evaluator.decisions.radar import (
    QUADRANTS,
    RING_COLOURS,
    RING_MEANING,
    RING_NAMES,
    RINGS,
    Entry,
)
from evaluator.textsafe import md_text, one_line

BYOR_COLUMNS = ("name", "ring", "quadrant", "isNew", "status", "description")
QUADRANT_NAMES = dict(QUADRANTS)


class RadarFormat(StrEnum):
    BYOR_CSV = "byor-csv"
    BYOR_JSON = "byor-json"
    BACKSTAGE = "backstage"


def _cell(text: str) -> str:
    text = one_line(text)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def byor_rows(entries: Sequence[Entry]) -> list[dict[str, str]]:
    return [
        {
            "name": _cell(e.name),
            "ring": e.ring,
            "quadrant": QUADRANT_NAMES[e.quadrant],
            "isNew": "TRUE" if e.is_new else "FALSE",
            "status": e.status,
            "description": _cell(html.escape(e.description, quote=False)),
        }
        for e in entries
    ]


def byor_csv(entries: Sequence[Entry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=BYOR_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(byor_rows(entries))
    return out.getvalue()


def byor_json(entries: Sequence[Entry]) -> str:
    return json.dumps(byor_rows(entries), indent=2, ensure_ascii=False) + "\n"


def _date(value: str) -> str:
    """An ISO 8601 date-time (Backstage reads it with ``new Date``); a bare date gets midnight UTC."""
    return f"{value}T00:00:00Z" if len(value) == 10 else value


def backstage(entries: Sequence[Entry]) -> str:
    data: dict[str, Any] = {
        "quadrants": [{"id": q, "name": name} for q, name in QUADRANTS],
        "rings": [
            {
                "id": r,
                "name": RING_NAMES[r].upper(),
                "color": RING_COLOURS[r],
                "description": RING_MEANING[r],
            }
            for r in RINGS
        ],
        "entries": [
            {
                "key": e.tool,
                "id": e.tool,
                "quadrant": e.quadrant,
                "title": one_line(e.name),
                "url": e.url,
                "description": md_text(e.description),
                "timeline": [
                    {
                        "date": _date(s.date),
                        "ringId": s.ring,
                        "description": md_text(s.description),
                        "moved": s.moved,
                    }
                    for s in e.timeline
                ],
            }
            for e in entries
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(entries: Sequence[Entry], fmt: RadarFormat) -> str:
    if fmt is RadarFormat.BYOR_CSV:
        return byor_csv(entries)
    if fmt is RadarFormat.BYOR_JSON:
        return byor_json(entries)
    return backstage(entries)
