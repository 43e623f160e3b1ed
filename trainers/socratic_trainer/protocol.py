"""The progress protocol: JSON lines on stdout, and nothing else there.

`claim_stdout()` keeps the real stdout for protocol lines only and points file
descriptor 1 and `sys.stdout` at stderr, so whatever a library prints (tqdm.write,
print, C extensions) lands in the log instead of corrupting the protocol.

`phase(name)` says what the trainer is doing and a background ticker repeats it every
SOCRATIC_TRAINER_TICK_SECONDS (default 15) until the next phase: loading a large model or
one long step is not silence, and the orchestrator bounds each phase on its own.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
from typing import Any, TextIO

from transformers import TrainerCallback

_stream: TextIO | None = None
_lock = threading.Lock()
_phase: str | None = None
_ticker: threading.Thread | None = None

PHASES = ("loading-model", "tokenizing", "training", "saving")


def claim_stdout() -> TextIO:
    global _stream
    if _stream is None:
        sys.stdout.flush()
        fd = os.dup(1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        _stream = os.fdopen(fd, "w", buffering=1, encoding="utf-8")
    return _stream


def stream() -> TextIO:
    return _stream if _stream is not None else sys.stdout


def numeric_metrics(logs: dict[str, Any]) -> dict[str, float]:
    """The finite numbers of a log dict (the contract's metrics are a record of numbers)."""
    out: dict[str, float] = {}
    for key, value in logs.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if math.isfinite(value):
            out[key] = float(value) if isinstance(value, float) else value
    return out


def _write(event: dict[str, Any]) -> None:
    out = stream()
    out.write(json.dumps(event, separators=(",", ":")) + "\n")
    out.flush()


def emit(event: dict[str, Any]) -> None:
    with _lock:  # the ticker thread writes too: whole lines only
        _write(event)


def is_main_process() -> bool:
    """Rank 0 of a distributed launch (or a single process): the only one that reports."""
    return int(os.environ.get("RANK", "0")) == 0


def tick_seconds() -> float:
    try:
        value = float(os.environ.get("SOCRATIC_TRAINER_TICK_SECONDS", "15"))
    except ValueError:
        return 15.0
    return value if value > 0 else 15.0


def _tick() -> None:
    interval = tick_seconds()
    while True:
        threading.Event().wait(interval)
        with _lock:  # checked under the lock: nothing follows `done`
            if _phase is not None:
                _write({"event": "phase", "phase": _phase})


def phase(name: str) -> None:
    """Enters a phase: reported now and repeated by the ticker until the next one."""
    global _phase, _ticker
    assert name in PHASES, name
    if not is_main_process():
        return
    with _lock:
        _phase = name
        _write({"event": "phase", "phase": name})
    if _ticker is None:
        _ticker = threading.Thread(target=_tick, name="socratic-phase-ticker", daemon=True)
        _ticker.start()


def end_phases() -> None:
    """No phase any more (training is done): the ticker falls silent."""
    global _phase
    with _lock:
        _phase = None


def progress(step: int, total_steps: int | None, metrics: dict[str, float]) -> None:
    event: dict[str, Any] = {"event": "progress", "step": int(step)}
    if total_steps is not None and total_steps >= 0:
        event["totalSteps"] = int(total_steps)
    event["metrics"] = metrics
    emit(event)


def checkpoint(step: int, path: str) -> None:
    emit({"event": "checkpoint", "step": int(step), "path": path})


def done(model: str, steps: int, metrics: dict[str, float]) -> None:
    end_phases()
    emit({"event": "done", "model": model, "steps": int(steps), "metrics": metrics})


class ProtocolCallback(TrainerCallback):
    """Turns the Trainer's logs and saves into protocol lines (main process only)."""

    def on_train_begin(self, args, state, control, **kwargs):
        # Models are loaded and the data prepared: say so before the first step (a heartbeat);
        # after a resume, the step is the checkpoint's.
        if state.is_world_process_zero:
            progress(state.global_step, state.max_steps, {})

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        progress(state.global_step, state.max_steps, numeric_metrics(logs))

    def on_save(self, args, state, control, **kwargs):
        if not state.is_world_process_zero:
            return
        path = os.path.join(args.output_dir, f"checkpoint-{state.global_step}")
        checkpoint(state.global_step, os.path.abspath(path))
