"""``chaoss-mcp report``: a metrics model's result for people, as a terminal table, Markdown or JSON.

The figures come from the same ``project_health`` tool an assistant calls (detail ``full``); this module
only lays them out. Progress goes to stderr while collecting; the report goes to stdout.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table

Format = str  # "table" | "markdown" | "json"


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 0.01 or value == 0 else f"{value:.3g}"
    return str(value)


def _figure(member: dict[str, Any]) -> str:
    return ", ".join(f"{k} {_fmt(v)}" for k, v in member.get("figures", {}).items()) or "-"


def _rows(result: dict[str, Any]) -> list[dict[str, str]]:
    rows = [
        {
            "metric": m["title"],
            "figure": _figure(m),
            "score": _fmt(m["score"]),
            "band": m["band"] or m["status"],
            "window": f"{m['window_days']} d" if m.get("window_days") else "-",
            "spec": m["spec_sha256"][:12],
            "reason": m["reason"],
        }
        for m in result["members"]
    ]
    rows += [
        {
            "metric": e["metric"],
            "figure": "-",
            "score": "-",
            "band": "excluded",
            "window": "-",
            "spec": "-",
            "reason": e["reason"],
        }
        for e in result["excluded"]
        if e["metric"] not in {m["metric"] for m in result["members"]}
    ]
    return rows


def _header(result: dict[str, Any]) -> list[str]:
    repo = result["repository"]
    return [
        f"{result['title']} for {repo['canonical']} ({repo['source']}), as of {result['as_of']}",
        f"Aggregate: {_fmt(result['score'])} / 10 ({result['band'] or result['status']}), "
        f"coverage {result['coverage']:.0%}. {result['reason']}",
        f"Criteria: {result['spec']['id']} {result['spec']['version']} sha256 {result['spec']['sha256'][:12]} "
        f"({result['spec']['origin']})",
    ]


def _footer(result: dict[str, Any]) -> list[str]:
    lines = [f"Caveat: {c}" for c in result.get("caveats", [])]
    prov = result["provenance"]
    lines.append(
        f"Data: {prov['requests']} requests, {prov['not_modified']} not modified, {prov['cache_hits']} from cache, "
        f"complete: {'yes' if prov['complete'] else 'no'}."
    )
    attestation = result.get("attestation")
    if attestation:
        lines.append(f"Signed by {attestation['key_id']} (check the JSON form with `chaoss-mcp verify`).")
    return lines


def markdown(result: dict[str, Any]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    head = _header(result)
    out = [f"## {head[0]}", "", f"**{head[1]}**", "", head[2], ""]
    out.append("| Metric | Figure | Score | Band | Window | Criteria | Reason |")
    out.append("|---|---|---|---|---|---|---|")
    for row in _rows(result):
        out.append(
            "| "
            + " | ".join(cell(row[k]) for k in ("metric", "figure", "score", "band", "window", "spec", "reason"))
            + " |"
        )
    out.append("")
    out.extend(f"- {line}" for line in _footer(result))
    return "\n".join(out) + "\n"


def table(result: dict[str, Any], console: Console) -> None:
    head = _header(result)
    console.print(f"[bold]{head[0]}[/bold]", highlight=False)
    console.print(head[1], highlight=False)
    console.print(head[2], highlight=False)
    grid = Table()
    for name in ("Metric", "Figure", "Score", "Band", "Window", "Criteria"):
        grid.add_column(name, overflow="fold")
    rows = _rows(result)
    for row in rows:
        grid.add_row(*(row[k] for k in ("metric", "figure", "score", "band", "window", "spec")))
    console.print(grid)
    for row in rows:
        console.print(f"[bold]{row['metric']}[/bold]: {row['reason']}", highlight=False)
    for line in _footer(result):
        console.print(line, highlight=False)


def render(result: dict[str, Any], fmt: Format, console: Console) -> None:
    if fmt == "json":
        console.file.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    elif fmt == "markdown":
        console.file.write(markdown(result))
    else:
        table(result, console)
