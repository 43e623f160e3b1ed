"""Loading local models, tokenizers and LoRA adapters. Nothing is ever downloaded.

A model path is either a full Hugging Face model directory, or a LoRA adapter
directory (it holds adapter_config.json, as this trainer's own outputs do); an
adapter is loaded on top of the base model its adapter_config.json names, so the
output of round t can be the baseModel of round t+1.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer, PreTrainedModel

from .errors import ConfigError

log = logging.getLogger("socratic_trainer")


def is_adapter(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "adapter_config.json"))


def adapter_base(path: str) -> str:
    with open(os.path.join(path, "adapter_config.json"), encoding="utf-8") as f:
        base = json.load(f).get("base_model_name_or_path")
    if not base:
        raise ConfigError(f"{path}/adapter_config.json: field base_model_name_or_path is missing")
    return base


def use_bf16(hp: dict[str, Any]) -> bool:
    if hp["bf16"] == "auto":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    return hp["bf16"] == "true"


def load_tokenizer(path: str, field: str):
    candidates = [path] + ([adapter_base(path)] if is_adapter(path) else [])
    last: Exception | None = None
    for candidate in candidates:
        try:
            tok = AutoTokenizer.from_pretrained(candidate, local_files_only=True)
            break
        except (OSError, ValueError) as e:
            last = e
    else:
        raise ConfigError(f"field {field}: cannot load a tokenizer from {path!r}: {last}")
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_plain(path: str, hp: dict[str, Any], field: str) -> PreTrainedModel:
    try:
        model = AutoModelForCausalLM.from_pretrained(
            path,
            local_files_only=True,
            dtype=torch.bfloat16 if use_bf16(hp) else torch.float32,
            attn_implementation=hp["attn_implementation"],
        )
    except (OSError, ValueError, ImportError) as e:
        raise ConfigError(f"field {field}: cannot load a local model from {path!r}: {e}") from e
    if hp["gradient_checkpointing"]:
        model.config.use_cache = False
    return model


def load_merged(path: str, hp: dict[str, Any], field: str) -> PreTrainedModel:
    """A frozen model: the plain model, or base + adapter merged."""
    if not is_adapter(path):
        return load_plain(path, hp, field)
    from peft import PeftModel

    base = load_plain(adapter_base(path), hp, field)
    return PeftModel.from_pretrained(base, path).merge_and_unload()


def load_trainable(path: str, hp: dict[str, Any], field: str, reference_adapter: bool = False):
    """The policy to train, and the LoRA config to hand the trainer (None when already wrapped).

    - plain model + use_lora: the model, and a fresh LoraConfig (r, alpha, dropout, targets from hp);
    - adapter + use_lora: the adapter is trained further (its own r/alpha apply); with
      reference_adapter it is also loaded a second time, frozen, as adapter "reference";
    - use_lora false: full fine-tuning (an adapter is merged into its base first).
    """
    if not hp["use_lora"]:
        return load_merged(path, hp, field), None
    from peft import LoraConfig, PeftModel

    if is_adapter(path):
        base = load_plain(adapter_base(path), hp, field)
        model = PeftModel.from_pretrained(base, path, adapter_name="default", is_trainable=True)
        if reference_adapter:
            model.load_adapter(path, adapter_name="reference", is_trainable=False)
            model.set_adapter("default")
        return model, None
    targets = hp["lora_target_modules"]
    config = LoraConfig(
        r=hp["lora_r"],
        lora_alpha=hp["lora_alpha"],
        lora_dropout=hp["lora_dropout"],
        target_modules=targets if targets == "all-linear" else [t.strip() for t in targets.split(",") if t.strip()],
        task_type="CAUSAL_LM",
    )
    return load_plain(path, hp, field), config
