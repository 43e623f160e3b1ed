import json
import os
import signal
import subprocess

from socratic_trainer.selftest import wsft_rows
from socratic_trainer.training import latest_checkpoint

from .conftest import check_event, first_step, run_trainer, trainer_cmd


def test_sigkill_after_a_checkpoint_then_restart_resumes(make_manifest, tmp_path):
    manifest = make_manifest("wsft", wsft_rows(24), max_steps=24, save_steps=4, per_device_train_batch_size=2)
    proc = subprocess.Popen(trainer_cmd(manifest), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = None
    try:
        for line in proc.stdout:
            event = json.loads(line)
            check_event(event)
            if event["event"] == "checkpoint":
                seen = event["step"]
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert seen is not None and seen >= 4
    assert proc.returncode == -signal.SIGKILL
    out = str(tmp_path / "out")
    assert not os.path.exists(os.path.join(out, "result.json"))
    checkpoint = latest_checkpoint(out)
    step = int(os.path.basename(checkpoint).split("-")[1])
    assert seen <= step < 24

    run = run_trainer(manifest)
    assert run.rc == 0, run.stderr
    begin = next(e for e in run.events if e["event"] == "progress")
    assert begin["step"] == step and begin["metrics"] == {}  # printed once the checkpoint is loaded
    assert first_step(run.events)["step"] == step + 1
    assert run.events[-1]["event"] == "done" and run.events[-1]["steps"] == 24
    assert json.loads(open(os.path.join(out, "result.json")).read())["steps"] == 24

    # Started once more after it finished: nothing is trained again, the same result comes back.
    again = run_trainer(manifest)
    assert again.rc == 0, again.stderr
    assert all(e["step"] <= 24 for e in again.events if e["event"] in ("progress", "checkpoint"))
    assert not [e for e in again.events if e["event"] == "progress" and "loss" in e["metrics"]]
    assert again.events[-1]["steps"] == 24 and again.events[-1]["metrics"]["loss"] == run.events[-1]["metrics"]["loss"]
