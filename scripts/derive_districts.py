"""Derive the postcode-district table the kit ships from a GeoNames postal-code file.

    uv run python scripts/derive_districts.py GB.txt

`GB.txt` is GeoNames' postal-code file for Great Britain (https://download.geonames.org/export/zip/,
`GB.zip`); nothing in the repository or at run time needs it, only a re-derivation of the table.

GeoNames lists Great Britain by outward code, often several rows per district (one per place).
The table keeps one row per district in the same tab-separated GeoNames format: the first row's
place and admin names, and the average latitude and longitude of all its rows (the centroid
matching locates a postcode at; signups accepts a postcode only if its district is placed by it).
Written to `shared/kit/src/together_kit/districts/districts.tsv`; licence and attribution beside
it (CC BY 4.0, © GeoNames).
"""

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "shared/kit/src/together_kit/districts/districts.tsv"
COLUMNS = 12


def derive(source: Path) -> list[list[str]]:
    first: dict[str, list[str]] = {}
    sums: dict[str, list[float]] = {}
    with source.open(encoding="utf-8", newline="") as rows:
        for row in csv.reader(rows, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 11 or not row[9] or not row[10]:
                continue
            code = "".join(row[1].split()).upper()
            first.setdefault(code, (row + [""] * COLUMNS)[:COLUMNS])
            total = sums.setdefault(code, [0.0, 0.0, 0.0])
            total[0] += float(row[9])
            total[1] += float(row[10])
            total[2] += 1
    table = []
    for code in sorted(first):
        latitude, longitude, count = sums[code]
        row = list(first[code])
        row[1] = code
        row[9] = f"{latitude / count:.6f}"
        row[10] = f"{longitude / count:.6f}"
        row[11] = ""
        table.append(row)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a GeoNames postal-code file (GB.txt)")
    parser.add_argument("--out", type=Path, default=TABLE)
    args = parser.parse_args()
    table = derive(args.source)
    with args.out.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE).writerows(
            table
        )
    print(f"{len(table)} districts written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
