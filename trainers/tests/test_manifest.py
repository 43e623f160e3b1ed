import json

import pytest

from socratic_trainer.errors import ConfigError
from socratic_trainer.manifest import load_manifest, parse_manifest

from .conftest import run_trainer

VALID = {
    "kind": "dpo",
    "runId": "r1",
    "round": 2,
    "role": "solver",
    "baseModel": "/models/qwen3-8b",
    "dataset": {"train": "/data/train.jsonl", "validation": "/data/val.jsonl"},
    "outputDir": "/out",
    "seed": 1,
}


def test_defaults_follow_the_paper():
    m = parse_manifest("m.json", VALID)
    assert m.hp["learning_rate"] == 5e-6 and m.hp["beta"] == 0.1 and m.hp["max_length"] == 2048
    assert m.hp["lora_r"] == 64 and m.hp["lora_alpha"] == 128 and m.hp["use_lora"] is True
    assert m.validation == "/data/val.jsonl" and m.reference_model is None
    assert "beta" not in parse_manifest("m.json", dict(VALID, kind="wsft", role="generator")).hp


def test_hyperparameters_are_coerced():
    m = parse_manifest("m.json", dict(VALID, hyperparameters={"lora_r": 16.0, "learning_rate": "1e-6", "use_lora": "false", "bf16": True}))
    assert m.hp["lora_r"] == 16 and m.hp["learning_rate"] == 1e-6 and m.hp["use_lora"] is False and m.hp["bf16"] == "true"


def test_orchestrator_keys_are_ignored_and_reference_equal_to_base_is_the_default():
    m = parse_manifest("m.json", dict(VALID, referenceModel="/models/qwen3-8b/", hyperparameters={"base_model": "/models/qwen3-8b"}))
    assert "base_model" not in m.hp and m.reference_model is None
    assert parse_manifest("m.json", dict(VALID, referenceModel="/models/other")).reference_model == "/models/other"


@pytest.mark.parametrize(
    "patch, field",
    [
        ({"kind": "ppo"}, "kind"),
        ({"role": "teacher"}, "role"),
        ({"round": -1}, "round"),
        ({"round": True}, "round"),
        ({"seed": 1.5}, "seed"),
        ({"runId": ""}, "runId"),
        ({"baseModel": None}, "baseModel"),
        ({"dataset": {"validation": "v"}}, "dataset.train"),
        ({"outputDir": 3}, "outputDir"),
        ({"hyperparameters": {"lora_rank": 8}}, "hyperparameters.lora_rank"),
        ({"hyperparameters": {"beta": -1}}, "hyperparameters.beta"),
        ({"hyperparameters": {"max_steps": 0}}, "hyperparameters.max_steps"),
        ({"hyperparameters": {"lora_r": 2.5}}, "hyperparameters.lora_r"),
        ({"hyperparameters": {"loss_type": "nope"}}, "hyperparameters.loss_type"),
        ({"hyperparameters": {"x": [1]}}, "hyperparameters.x"),
    ],
)
def test_invalid_manifest_names_the_field(patch, field):
    with pytest.raises(ConfigError) as err:
        parse_manifest("m.json", dict(VALID, **patch))
    assert "m.json" in str(err.value) and field in str(err.value)


def test_invalid_json_names_file_and_line(tmp_path):
    path = tmp_path / "m.json"
    path.write_text('{\n  "kind": "dpo",\n  oops\n}')
    with pytest.raises(ConfigError) as err:
        load_manifest(str(path))
    assert f"{path}:3" in str(err.value)


def test_cli_exits_78_for_a_bad_manifest(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(dict(VALID, kind="ppo")))
    run = run_trainer(str(path))
    assert run.rc == 78 and run.events == [] and "kind" in run.stderr


def test_cli_exits_78_for_a_bad_hyperparameter(make_manifest, tmp_path):
    run = run_trainer(make_manifest("wsft", [{"prompt": "a", "completion": "b", "weight": 1}], lr_scheduler_type="sideways"))
    assert run.rc == 78 and "hyperparameters" in run.stderr
    assert not (tmp_path / "out" / "result.json").exists()


def test_cli_exits_78_for_a_missing_local_model(make_manifest, tmp_path):
    run = run_trainer(make_manifest("wsft", [{"prompt": "a", "completion": "b", "weight": 1}], manifest={"baseModel": str(tmp_path / "nope")}))
    assert run.rc == 78 and "baseModel" in run.stderr


def test_zero_steps_is_an_error(make_manifest, tmp_path):
    run = run_trainer(make_manifest("wsft", [{"prompt": "a", "completion": "b", "weight": 1}], max_steps=0))
    assert run.rc == 78 and "max_steps" in run.stderr
    assert not any(e["event"] == "done" for e in run.events)
    assert not (tmp_path / "out" / "result.json").exists()
