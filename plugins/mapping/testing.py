"""Test support for pages with maps: the markers a page hands to the map script."""

from __future__ import annotations

import json
import re

_MARKERS = re.compile(r'<script id="[^"]+-markers" type="application/json">(.*?)</script>', re.S)


def map_markers(html: str) -> list[dict]:
    """The markers of the first map of ``html`` (``lat``, ``lon``, ``label``, ``url``,
    ``detail``, ``weight``); empty when the page has no map."""
    found = _MARKERS.search(html)
    return json.loads(found.group(1)) if found else []
