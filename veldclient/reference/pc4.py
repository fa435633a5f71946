"""Where every Dutch PC4 area lies: centroids from open data, distances between postcodes.

Why: a referral may go to any node of the mesh, not only Twente's, so ranking by distance needs the
whole country. The centroids come from GeoNames' postal codes of the Netherlands (geonames.org,
licence CC BY 4.0; attribution in ``nl_pc4.LICENSE``), shipped as ``nl_pc4.csv.gz`` and regenerated
by ``tools/pc4_centroids.py`` from the PyPI package that redistributes them; nothing is typed in by
hand. A few codes inside the Twente demo ranges are no real PC4 areas and are missing from the open
data: the demo keeps its approximate centroid for those (``twente.PC4_CENTROIDS``), and only for those.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

__all__ = ["DATA_FILE", "Centroid", "centroid", "centroids", "distance_km", "is_known", "pc4_of", "place"]

DATA_FILE = "nl_pc4.csv.gz"
_PC4_RE = re.compile(r"^\s*(?:NL-?)?\s*([1-9][0-9]{3})(?:\s*-?\s*[A-Za-z]{2})?\s*$", re.IGNORECASE)


class Centroid(NamedTuple):
    lat: float
    lon: float
    place: str


def pc4_of(postcode_or_pc4: str) -> str | None:
    """The PC4 of ``8011``, ``8011 AB`` or ``8011ab``; None when the text is no postcode."""
    m = _PC4_RE.match(postcode_or_pc4) if isinstance(postcode_or_pc4, str) else None
    return m.group(1) if m else None


def parse(text: str) -> dict[str, Centroid]:
    """The rows of a centroid file (``pc4,lat,lon,place``); ValueError on a malformed row, so a
    damaged file is never half read."""
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header != ["pc4", "lat", "lon", "place"]:
        raise ValueError(f"PC4 centroid file has header {header!r}, expected pc4,lat,lon,place")
    found: dict[str, Centroid] = {}
    for number, row in enumerate(rows, start=2):
        if len(row) != 4 or pc4_of(row[0]) != row[0]:
            raise ValueError(f"PC4 centroid file, line {number}: {row!r}")
        lat, lon = float(row[1]), float(row[2])
        if not (50.5 <= lat <= 53.8 and 3.2 <= lon <= 7.3):  # the Netherlands' bounding box
            raise ValueError(f"PC4 centroid file, line {number}: {row[0]} lies outside the Netherlands")
        found[row[0]] = Centroid(lat, lon, row[3])
    return found


@lru_cache(maxsize=1)
def centroids() -> dict[str, Centroid]:
    """Every PC4 of the shipped open data (read once)."""
    raw = resources.files("veldclient.reference").joinpath(DATA_FILE).read_bytes()
    return parse(gzip.decompress(raw).decode("utf-8"))


def centroid(postcode_or_pc4: str) -> Centroid | None:
    """The centroid of a postcode's PC4 area; the Twente demo's approximation only for a demo code
    the open data lacks; None for anything else."""
    pc4 = pc4_of(postcode_or_pc4)
    if pc4 is None:
        return None
    found = centroids().get(pc4)
    if found is not None:
        return found
    from veldclient.reference import twente

    demo = twente.PC4_CENTROIDS.get(pc4)
    return Centroid(demo[0], demo[1], twente.pc4_town(pc4) or "") if demo else None


def is_known(postcode_or_pc4: str) -> bool:
    return centroid(postcode_or_pc4) is not None


def place(postcode_or_pc4: str) -> str | None:
    found = centroid(postcode_or_pc4)
    return found.place if found else None


def _haversine_km(a: Centroid, b: Centroid) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


@lru_cache(maxsize=65536)
def distance_km(a: str, b: str) -> float:
    """Great-circle km between two PC4 centroids (full postcodes accepted); ValueError naming the
    postcode when either has no centroid, so callers never see a bare KeyError."""
    ca, cb = centroid(a), centroid(b)
    for text, found in ((a, ca), (b, cb)):
        if found is None:
            raise ValueError(f"no centroid for postcode {text!r}: not a Dutch PC4 area")
    assert ca is not None and cb is not None
    return _haversine_km(ca, cb)
