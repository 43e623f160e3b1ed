"""Shared fixtures: a tiny local model (built once) and a helper that runs the trainer CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from socratic_trainer.selftest import TINY_HP, tiny_model, write_jsonl, write_manifest


@pytest.fixture(scope="session")
def base_model(tmp_path_factory) -> str:
    return tiny_model(str(tmp_path_factory.mktemp("tiny") / "base"))


@dataclass
class Run:
    rc: int
    events: list[dict]
    stderr: str


def parse_events(stdout: str) -> list[dict]:
    """Every stdout line must be a protocol event (the contract allows nothing else there)."""
    events = []
    for line in stdout.splitlines():
        event = json.loads(line)
        check_event(event)
        events.append(event)
    return events


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def check_event(e: dict) -> None:
    """The shapes of contracts/trainer.ts ProgressEvent."""
    assert e["event"] in ("phase", "progress", "checkpoint", "done"), e
    if e["event"] == "phase":
        assert e["phase"] in ("loading-model", "tokenizing", "training", "saving") and len(e) == 2, e
        return
    assert _count(e["step"] if e["event"] != "done" else e["steps"]), e
    if e["event"] == "checkpoint":
        assert isinstance(e["path"], str) and os.path.isabs(e["path"]), e
    else:
        assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in e["metrics"].values()), e
    if e["event"] == "progress":
        assert _count(e.get("totalSteps", 0)), e
    if e["event"] == "done":
        assert isinstance(e["model"], str) and e["model"], e


def first_step(events: list[dict]) -> dict:
    """The first progress event of a training step (the one before it, at train begin, has no metrics)."""
    return next(e for e in events if e["event"] == "progress" and "loss" in e["metrics"])


def trainer_cmd(manifest: str) -> list[str]:
    return [sys.executable, "-m", "socratic_trainer", "--manifest", manifest]


def run_trainer(manifest: str, timeout: float = 240) -> Run:
    proc = subprocess.run(trainer_cmd(manifest), capture_output=True, text=True, timeout=timeout, env=dict(os.environ))
    return Run(proc.returncode, parse_events(proc.stdout), proc.stderr)


@pytest.fixture
def make_manifest(tmp_path, base_model):
    """make_manifest(kind, rows | path, **hp overrides, manifest=extra top-level fields) -> manifest path."""

    def make(kind: str, rows, manifest: dict | None = None, **hp) -> str:
        train = rows if isinstance(rows, str) else write_jsonl(str(tmp_path / f"{kind}-train.jsonl"), rows)
        params = dict(TINY_HP, **({"max_prompt_length": 32} if kind == "dpo" else {}))
        params.update(hp)
        extra = dict(manifest or {})
        return write_manifest(str(tmp_path / f"{kind}.json"), kind, extra.pop("baseModel", base_model), train, str(tmp_path / "out"), params, **extra)

    return make
