"""A conversation's open data as CSV tables (handlers.talk.export gives the whole as JSON)."""

import csv
import io
from typing import Any

Table = list[list[object]]


def csv_table(data: dict[str, Any], table: str) -> str:
    tables = {"statements": _statements, "votes": _votes, "results": _results, "hosted": _hosted}
    rows = tables[table](data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue()


def _statements(data: dict[str, Any]) -> Table:
    return [["statement", "text", "seed"]] + [
        [s["id"], s["text"], "yes" if s["seed"] else "no"] for s in data["statements"]
    ]


def _votes(data: dict[str, Any]) -> Table:
    return [["participant", "region", "statement", "vote"]] + [
        [v["participant"], v["region"], v["statement"], v["vote"]] for v in data["votes"]
    ]


def _hosted(data: dict[str, Any]) -> Table:
    """The conversations held in rooms, a line each."""
    fields = ["host", "place", "region", "held_on", "people", "statements"]
    return [fields] + [[room[f] for f in fields] for room in data["hosted"]]


def _results(data: dict[str, Any]) -> Table:
    """A statement a line: where it stands (unites, divides or neither) and the share agreeing
    overall and in each group."""
    results = data.get("results") or {}
    groups = [g["number"] for g in results.get("groups", [])]
    standing: dict[str, tuple[str, dict[str, Any]]] = {}
    for kind, key in (("unites", "consensus"), ("divides", "divisive")):
        for found in results.get(key, []):
            standing[found["id"]] = (kind, found)
    header: list[object] = ["statement", "text", "stands", "agree_overall"]
    header += [f"agree_group_{n}" for n in groups]
    rows: Table = [header]
    for statement in data["statements"]:
        kind, found = standing.get(statement["id"], ("", {}))
        by_group = [share["agree"] for share in found.get("by_group", [])]
        overall = found.get("overall", {}).get("agree", "")
        rows.append([statement["id"], statement["text"], kind, overall, *by_group])
    return rows
