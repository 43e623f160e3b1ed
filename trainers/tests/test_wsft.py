import json
import math

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainingArguments

from socratic_trainer.wsft import WeightedCollator, WeightedSFTTrainer, encode, weighted_loss

from .conftest import run_trainer
from socratic_trainer.selftest import wsft_rows, write_jsonl


def nll(logits_row: list[float], target: int) -> float:
    return -(logits_row[target] - math.log(sum(math.exp(x) for x in logits_row)))


def test_weighted_loss_matches_the_formula_by_hand():
    # B=2, T=4, V=3. Example 0: prompt token 0, completion tokens at positions 1..3.
    # Example 1: prompt tokens 0..1, completion at 2, then one padding position.
    logits = torch.tensor(
        [
            [[0.1, 0.2, 0.3], [1.0, -1.0, 0.0], [0.5, 0.5, 2.0], [0.0, 0.0, 0.0]],
            [[2.0, 0.0, -2.0], [0.3, 0.9, -0.4], [0.0, 1.0, 0.0], [5.0, 5.0, 5.0]],
        ]
    )
    labels = torch.tensor([[-100, 2, 0, 1], [-100, -100, 1, -100]])
    weights = torch.tensor([0.8, 0.2])
    # l_0 = mean(-log p(2|pos0), -log p(0|pos1), -log p(1|pos2)); l_1 = -log p(1|pos1)
    l0 = (nll([0.1, 0.2, 0.3], 2) + nll([1.0, -1.0, 0.0], 0) + nll([0.5, 0.5, 2.0], 1)) / 3
    l1 = nll([0.3, 0.9, -0.4], 1)
    mean = (0.8 * l0 + 0.2 * l1) / 2
    weighted_mean = (0.8 * l0 + 0.2 * l1) / (0.8 + 0.2)
    assert math.isclose(weighted_loss(logits, labels, weights, "mean").item(), mean, rel_tol=1e-6)
    assert math.isclose(weighted_loss(logits, labels, weights, "weighted_mean").item(), weighted_mean, rel_tol=1e-6)
    assert weighted_loss(logits, labels, torch.zeros(2), "weighted_mean").item() == 0.0


def test_trainer_loss_on_a_real_batch_matches_the_hand_computation(base_model, tmp_path):
    tok = AutoTokenizer.from_pretrained(base_model, local_files_only=True)
    model = AutoModelForCausalLM.from_pretrained(base_model, local_files_only=True).eval()
    rows = [("Q: 1+1\\nA:", " 2", 1.0), ("Harder one please:", " what is 17 * 3?", 0.25), ("x", " y", 0.5)]
    features = [encode(tok, p, c, w, max_length=64) for p, c, w in rows]
    batch = WeightedCollator(tok.pad_token_id)(features)
    args = TrainingArguments(output_dir=str(tmp_path), report_to="none", use_cpu=True)
    for normalization in ("mean", "weighted_mean"):
        trainer = WeightedSFTTrainer(model=model, args=args, loss_normalization=normalization)
        with torch.no_grad():
            got = trainer.compute_loss(model, dict(batch)).item()
        # By hand: each example alone (no padding), NLL of its completion tokens (incl. EOS) only.
        per_example = []
        for (prompt, completion, _), f in zip(rows, features):
            n_prompt = len(tok(prompt)["input_ids"])
            ids = torch.tensor([f["input_ids"]])
            with torch.no_grad():
                logits = model(input_ids=ids).logits[0].tolist()
            targets = f["input_ids"][n_prompt:]
            assert targets[-1] == tok.eos_token_id and tok.decode(targets[:-1]) == completion
            losses = [nll(logits[n_prompt + j - 1], t) for j, t in enumerate(targets)]
            per_example.append(sum(losses) / len(losses))
        w = [r[2] for r in rows]
        total = sum(wi * li for wi, li in zip(w, per_example))
        want = total / len(rows) if normalization == "mean" else total / sum(w)
        assert math.isclose(got, want, rel_tol=1e-5), (normalization, got, want)


def test_wsft_run_writes_result_and_protocol(make_manifest, tmp_path):
    val = write_jsonl(str(tmp_path / "val.jsonl"), wsft_rows(4))
    run = run_trainer(make_manifest("wsft", wsft_rows(12), manifest={"validation": val}, max_steps=6, save_steps=3))
    assert run.rc == 0, run.stderr
    progress = [e for e in run.events if e["event"] == "progress"]
    assert [e["step"] for e in progress][:7] == [0, 1, 2, 3, 4, 5, 6] and progress[0]["totalSteps"] == 6
    assert [e["step"] for e in run.events if e["event"] == "checkpoint"] == [3, 6]
    done = run.events[-1]
    assert done["event"] == "done" and done["steps"] == 6
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert result == {"model": done["model"], "steps": 6, "metrics": done["metrics"]}
    assert "eval_loss" in result["metrics"] and "loss" in result["metrics"]
    assert (tmp_path / "out" / "model" / "adapter_config.json").exists()
