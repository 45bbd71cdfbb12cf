"""Derive the maps' outline of the UK (and Ireland, for context) from Natural Earth.

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    uv run python scripts/derive_outline.py package/countries-50m.json

`world-atlas` redistributes Natural Earth's 1:50m Admin 0 countries (public domain) as TopoJSON.
The script decodes the arcs of the countries it keeps, simplifies each ring (Douglas-Peucker,
in degrees), drops islands smaller than `MIN_AREA`, rounds to 3 decimals and writes
`shared/kit/src/together_kit/web/map/outline.json`: `{country: [ring, ...]}`, each ring a list of
`[longitude, latitude]`. `together_kit.web.uk_map` projects it as it projects places.
"""

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "shared/kit/src/together_kit/web/map/outline.json"
COUNTRIES = ("United Kingdom", "Isle of Man", "Ireland")
TOLERANCE = 0.01
"""Degrees a simplified ring may stray from the original (about 0.6 km east-west, 1.1 km north)."""
MIN_AREA = 0.004
"""Square degrees: islands smaller than this (about 25 km²) are left out."""

Ring = list[tuple[float, float]]


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Every arc of a quantized TopoJSON topology in longitude and latitude."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_of(indexes: list[int], arcs: list[Ring]) -> Ring:
    ring: Ring = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(arc[1:] if ring else arc)
    return ring


def area(ring: Ring) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas-Peucker: the fewest points within `tolerance` of the line through `points`."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = math.hypot(dx, dy)

    def off(point: tuple[float, float]) -> float:
        px, py = point
        if length == 0:
            return math.hypot(px - x1, py - y1)
        return abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length

    far, index = max((off(p), i) for i, p in enumerate(points[1:-1], start=1))
    if far <= tolerance:
        return [points[0], points[-1]]
    return simplify(points[: index + 1], tolerance)[:-1] + simplify(points[index:], tolerance)


def derive(topology: dict[str, Any]) -> dict[str, list[list[list[float]]]]:
    arcs = decode_arcs(topology)
    outline: dict[str, list[list[list[float]]]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if name not in COUNTRIES:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring_of(polygon[0], arcs) for polygon in polygons]
        kept = []
        for ring in sorted(rings, key=area, reverse=True):
            if area(ring) < MIN_AREA:
                continue
            simple = simplify(ring, TOLERANCE)
            if len(simple) >= 4:
                kept.append([[round(x, 3), round(y, 3)] for x, y in simple])
        outline[name] = kept
    return outline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="world-atlas's countries-50m.json")
    parser.add_argument("--out", type=Path, default=OUTLINE)
    args = parser.parse_args()
    outline = derive(json.loads(args.source.read_text(encoding="utf-8")))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(outline, separators=(",", ":")) + "\n", encoding="utf-8")
    rings = sum(len(r) for r in outline.values())
    print(f"{rings} rings of {len(outline)} countries written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
