import subprocess
import sys

import pytest
import torch

from socratic_trainer.cli import guarded
from socratic_trainer.errors import ConfigError, DataError
from socratic_trainer.selftest import dpo_rows


def raiser(exc):
    def fn():
        raise exc

    return fn


@pytest.mark.parametrize(
    "exc, code",
    [
        (torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"), 75),
        (RuntimeError("CUDA error: out of memory"), 75),
        (ConfigError("m.json: field kind"), 78),
        (DataError("d.jsonl:3: field 'chosen'"), 65),
        (ValueError("something else"), 1),
    ],
)
def test_failures_map_to_the_contract_exit_codes(exc, code):
    assert guarded(raiser(exc)) == code


def test_success_is_zero():
    assert guarded(lambda: None) == 0


def test_check_validates_without_training(make_manifest, tmp_path):
    ok = make_manifest("dpo", dpo_rows(2))
    cmd = [sys.executable, "-m", "socratic_trainer", "check", "--manifest", ok]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "", proc.stderr
    assert not (tmp_path / "out").exists()


def test_missing_manifest_argument_is_bad_config():
    proc = subprocess.run([sys.executable, "-m", "socratic_trainer"], capture_output=True, text=True)
    assert proc.returncode == 78 and "--manifest" in proc.stderr
