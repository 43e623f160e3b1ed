"""Reading and validating the JSONL datasets. Every error names file, line and field (exit 65).

dpo:  {"prompt": str, "chosen": str, "rejected": str}          (TRL's standard preference format)
wsft: {"prompt": str, "completion": str, "weight": number >= 0}
Blank lines are skipped; other keys are ignored.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .errors import DataError

FIELDS = {"dpo": ("prompt", "chosen", "rejected"), "wsft": ("prompt", "completion")}


def _check_line(path: str, lineno: int, kind: str, row: Any) -> dict[str, Any]:
    where = f"{path}:{lineno}"
    if not isinstance(row, dict):
        raise DataError(f"{where}: each line must be a JSON object")
    out: dict[str, Any] = {}
    for name in FIELDS[kind]:
        value = row.get(name)
        if not isinstance(value, str):
            got = "missing" if name not in row else f"got {json.dumps(value)[:80]}"
            raise DataError(f"{where}: field {name!r} must be a string ({got})")
        if name != "prompt" and not value:
            raise DataError(f"{where}: field {name!r} must not be empty")
        out[name] = value
    if kind == "wsft":
        w = row.get("weight")
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w < 0:
            got = "missing" if "weight" not in row else f"got {json.dumps(w)[:80]}"
            raise DataError(f"{where}: field 'weight' must be a finite number >= 0 ({got})")
        out["weight"] = float(w)
    return out


def read_jsonl(path: str, kind: str) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read the dataset: {e}") from e
    rows = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{path}:{lineno}: invalid JSON: {e.msg} (column {e.colno})") from e
        rows.append(_check_line(path, lineno, kind, row))
    if not rows:
        raise DataError(f"{path}: the dataset is empty")
    if kind == "wsft" and not any(r["weight"] > 0 for r in rows):
        raise DataError(f"{path}: every example has weight 0, nothing to learn")
    return rows
