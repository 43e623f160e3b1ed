import json
import os

from socratic_trainer.selftest import dpo_rows, write_jsonl, write_manifest, TINY_HP

from .conftest import first_step, run_trainer


def dpo_hp(**kw):
    return dict(TINY_HP, max_prompt_length=32, **kw)


def test_dpo_reward_accuracy_rises_above_chance(make_manifest, tmp_path):
    rows = dpo_rows(16)
    # Validation = the training pairs: the final evaluation measures reward accuracy on them.
    val = write_jsonl(str(tmp_path / "val.jsonl"), rows)
    run = run_trainer(make_manifest("dpo", rows, manifest={"validation": val}))
    assert run.rc == 0, run.stderr
    first = first_step(run.events)
    assert first["step"] == 1 and first["metrics"]["rewards/margins"] == 0.0  # policy == reference at the start
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert result["steps"] == 8 and run.events[-1] == {"event": "done", **result}
    assert result["metrics"]["eval_rewards/accuracies"] > 0.5
    assert result["metrics"]["eval_rewards/margins"] > 0
    assert os.path.isfile(os.path.join(result["model"], "adapter_config.json"))


def test_next_round_trains_the_previous_adapter_against_itself(base_model, tmp_path):
    rows = write_jsonl(str(tmp_path / "pairs.jsonl"), dpo_rows(16))
    m1 = write_manifest(str(tmp_path / "r1.json"), "dpo", base_model, rows, str(tmp_path / "r1"), dpo_hp(max_steps=4))
    r1 = run_trainer(m1)
    assert r1.rc == 0, r1.stderr
    adapter = r1.events[-1]["model"]

    # Round 2, base = round 1's adapter: the reference is that adapter (M_t), so rewards start at 0.
    m2 = write_manifest(str(tmp_path / "r2.json"), "dpo", adapter, rows, str(tmp_path / "r2"), dpo_hp(max_steps=2))
    r2 = run_trainer(m2)
    assert r2.rc == 0, r2.stderr
    first = first_step(r2.events)
    assert abs(first["metrics"]["rewards/chosen"]) < 1e-6 and abs(first["metrics"]["rewards/rejected"]) < 1e-6
    model2 = r2.events[-1]["model"]
    assert not os.path.exists(os.path.join(model2, "reference"))  # the frozen copy is not saved
    with open(os.path.join(model2, "adapter_config.json")) as f:
        assert json.load(f)["base_model_name_or_path"] == base_model

    # With referenceModel = the raw base, the round-1 adapter already beats it at step 1.
    m3 = write_manifest(str(tmp_path / "r3.json"), "dpo", adapter, rows, str(tmp_path / "r3"), dpo_hp(max_steps=2), referenceModel=base_model)
    r3 = run_trainer(m3)
    assert r3.rc == 0, r3.stderr
    first = first_step(r3.events)
    assert first["metrics"]["rewards/margins"] > 0
