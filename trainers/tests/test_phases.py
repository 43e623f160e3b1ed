"""Point 10: the trainer reports its phases, in order, and repeats the current one while it runs."""

import os

from .conftest import run_trainer


def phases(events):
    """The phases in the order they began (repeats of the current one collapsed)."""
    out = []
    for e in events:
        if e["event"] == "phase" and (not out or out[-1] != e["phase"]):
            out.append(e["phase"])
    return out


def test_dpo_reports_its_phases_in_order(make_manifest):
    rows = [{"prompt": f"{i}+{i}=", "chosen": str(2 * i), "rejected": "?"} for i in range(4)]
    run = run_trainer(make_manifest("dpo", rows, max_steps=2))
    assert run.rc == 0, run.stderr
    assert phases(run.events) == ["loading-model", "tokenizing", "training", "saving"]
    kinds = [e["event"] for e in run.events]
    assert kinds.index("progress") > kinds.index("phase") and kinds[-1] == "done"


def test_the_ticker_repeats_the_phase_while_it_runs(make_manifest, monkeypatch):
    monkeypatch.setenv("SOCRATIC_TRAINER_TICK_SECONDS", "0.05")
    rows = [{"prompt": "q", "completion": "a", "weight": 1.0}] * 4
    run = run_trainer(make_manifest("wsft", rows, max_steps=2))
    assert run.rc == 0, run.stderr
    ticks = [e for e in run.events if e["event"] == "phase"]
    assert len(ticks) > len(phases(run.events)), "the current phase is repeated"
    assert phases(run.events) == ["loading-model", "tokenizing", "training", "saving"]
    assert run.events[-1]["event"] == "done", "nothing follows done"
    assert os.environ.get("SOCRATIC_TRAINER_TICK_SECONDS") == "0.05"
