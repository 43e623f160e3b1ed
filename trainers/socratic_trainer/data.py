"""Reading and validating the JSONL datasets. Every error names file, line and field (exit 65).

dpo:  {"prompt": Text, "chosen": Text, "rejected": Text}          (TRL's preference format)
wsft: {"prompt": Text, "completion": Text, "weight": number >= 0}
Text is a string (standard format) or a list of {"role", "content"} messages
(conversational format, rendered with the tokenizer's chat template); one file uses one
of the two. Blank lines are skipped; other keys are ignored. An empty training set is
bad data; an empty validation set means "no validation".
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from .errors import DataError

log = logging.getLogger("socratic_trainer")

FIELDS = {"dpo": ("prompt", "chosen", "rejected"), "wsft": ("prompt", "completion")}


def _is_messages(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str) for m in value)
    )


def _check_line(path: str, lineno: int, kind: str, row: Any, conversational: bool | None) -> dict[str, Any]:
    where = f"{path}:{lineno}"
    if not isinstance(row, dict):
        raise DataError(f"{where}: each line must be a JSON object")
    out: dict[str, Any] = {}
    for name in FIELDS[kind]:
        value = row.get(name)
        is_conv = _is_messages(value)
        if not isinstance(value, str) and not is_conv:
            got = "missing" if name not in row else f"got {json.dumps(value)[:80]}"
            raise DataError(f"{where}: field {name!r} must be a string or a list of {{role, content}} messages ({got})")
        if conversational is not None and is_conv != conversational:
            raise DataError(f"{where}: field {name!r} mixes conversational (message list) and plain-text lines")
        conversational = is_conv
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


def is_conversational(rows: list[dict[str, Any]]) -> bool:
    return bool(rows) and isinstance(rows[0]["prompt"], list)


def read_jsonl(path: str, kind: str, allow_empty: bool = False) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"{path}: cannot read the dataset: {e}") from e
    rows: list[dict[str, Any]] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise DataError(f"{path}:{lineno}: invalid JSON: {e.msg} (column {e.colno})") from e
        rows.append(_check_line(path, lineno, kind, row, is_conversational(rows) if rows else None))
    if not rows and not allow_empty:
        raise DataError(f"{path}: the dataset is empty")
    if kind == "wsft" and rows and not allow_empty and not any(r["weight"] > 0 for r in rows):
        raise DataError(f"{path}: every example has weight 0, nothing to learn")
    return rows


def read_datasets(m) -> tuple[list[dict[str, Any]], list[dict[str, Any]] | None]:
    """The manifest's train rows and validation rows; an empty validation file clears m.validation."""
    train = read_jsonl(m.train, m.kind)
    if m.validation is None:
        return train, None
    validation = read_jsonl(m.validation, m.kind, allow_empty=True)
    if not validation:
        log.warning("%s is empty: training without validation", m.validation)
        m.validation = None
        return train, None
    if is_conversational(validation) != is_conversational(train):
        raise DataError(f"{m.validation}: its format (conversational or plain text) differs from {m.train}")
    return train, validation
