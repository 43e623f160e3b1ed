"""`socratic-trainer selftest`: a short DPO and a short WSFT on a tiny, randomly initialised
Llama with a character-level tokenizer, both built locally (nothing is downloaded).

The helpers (tiny_model, dpo_rows, wsft_rows, write_manifest) are shared with the tests.
"""

from __future__ import annotations

import json
import logging
import os
import string
import subprocess
import sys
import tempfile
from typing import Any

from .protocol import stream

log = logging.getLogger("socratic_trainer")

SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]


def tiny_tokenizer():
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIALS + list(string.printable))}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>", unk_token="<unk>"
    )


def tiny_model(path: str, seed: int = 0) -> str:
    """Saves a 2-layer Llama (hidden 32) and its tokenizer under path; returns path."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = tiny_tokenizer()
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=256,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def dpo_rows(n: int) -> list[dict[str, str]]:
    """An easy, separable preference set: the right answer always beats a fixed wrong one."""
    return [{"prompt": f"Q: {i} + {i} = ?\nA:", "chosen": f" {2 * i}", "rejected": " no idea"} for i in range(n)]


def wsft_rows(n: int) -> list[dict[str, Any]]:
    return [
        {"prompt": f"Problem {i} failed.\nHarder:", "completion": f" what is {i} * {i + 1}?", "weight": [1.0, 0.5, 0.1][i % 3]}
        for i in range(n)
    ]


def write_jsonl(path: str, rows: list[dict[str, Any]]) -> str:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return path


def write_manifest(path: str, kind: str, base: str, train: str, out: str, hp: dict[str, Any], **extra) -> str:
    manifest = {
        "kind": kind,
        "runId": "selftest",
        "round": 1,
        "role": "solver" if kind == "dpo" else "generator",
        "baseModel": base,
        "dataset": {"train": train, **({"validation": extra.pop("validation")} if "validation" in extra else {})},
        "hyperparameters": hp,
        "outputDir": out,
        "seed": 7,
        **extra,
    }
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    return path


TINY_HP: dict[str, Any] = {
    "learning_rate": 2e-3,
    "max_steps": 8,
    "per_device_train_batch_size": 4,
    "gradient_accumulation_steps": 1,
    "warmup_ratio": 0.0,
    "lr_scheduler_type": "constant",
    "max_length": 64,
    "lora_r": 8,
    "lora_alpha": 16,
    "lora_dropout": 0.0,
    "save_steps": 4,
}


def _run(manifest: str) -> bool:
    """Runs one trainer as a subprocess, forwarding its protocol lines; True when it ends in done."""
    cmd = [sys.executable, "-m", "socratic_trainer", "--manifest", manifest]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    finished = False
    assert proc.stdout is not None
    for line in proc.stdout:
        stream().write(line)
        stream().flush()
        event = json.loads(line)
        finished = finished or (event["event"] == "done" and event["steps"] > 0)
    rc = proc.wait()
    if rc != 0 or not finished:
        log.error("selftest: %s exited %d (done seen: %s)", manifest, rc, finished)
    return rc == 0 and finished


def selftest(workdir: str | None = None) -> int:
    import torch

    root = workdir or tempfile.mkdtemp(prefix="socratic-selftest-")
    os.makedirs(root, exist_ok=True)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    log.info("selftest in %s on %s", root, device)
    base = tiny_model(os.path.join(root, "tiny-base"))
    ok = True
    for kind, rows in (("dpo", dpo_rows(16)), ("wsft", wsft_rows(12))):
        train = write_jsonl(os.path.join(root, f"{kind}.jsonl"), rows)
        hp = dict(TINY_HP, **({"max_prompt_length": 32} if kind == "dpo" else {}))
        manifest = write_manifest(os.path.join(root, f"{kind}.json"), kind, base, train, os.path.join(root, f"out-{kind}"), hp)
        ok = _run(manifest) and ok
    log.info("selftest %s", "passed" if ok else "FAILED")
    return 0 if ok else 1


__all__ = ["selftest", "tiny_model", "tiny_tokenizer", "dpo_rows", "wsft_rows", "write_jsonl", "write_manifest"]
