import subprocess
import sys

from .conftest import parse_events


def test_selftest_runs_dpo_and_wsft_to_done(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "socratic_trainer", "selftest", "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    events = parse_events(proc.stdout)
    done = [e for e in events if e["event"] == "done"]
    assert len(done) == 2 and all(e["steps"] > 0 for e in done)
    assert done[0]["model"].endswith("out-dpo/model") and done[1]["model"].endswith("out-wsft/model")
