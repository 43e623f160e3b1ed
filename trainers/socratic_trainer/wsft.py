"""Weighted SFT (the Generator's objective, SPEC §3 step 12).

Per example i: l_i = mean over its completion tokens t of -log p(t | prefix)
(prompt and padding tokens are masked out; the completion ends with EOS).
The micro-batch loss of B examples with weights w_i is, by `loss_normalization`:

  "mean" (default):  L = (1/B)   * sum_i w_i * l_i   -- the paper's E[-U(q') log pi(q' | q, failure)]
  "weighted_mean":   L = sum_i w_i * l_i / sum_i w_i -- weight-weighted mean (0 when all w_i are 0)

"mean" is the default because with "weighted_mean" the weights cancel out at
per_device_train_batch_size 1. With gradient accumulation the Trainer divides
each micro-batch loss by gradient_accumulation_steps.
"""

from __future__ import annotations

from typing import Any

import torch
from transformers import Trainer, TrainingArguments, set_seed

from .data import is_conversational, read_datasets
from .errors import ConfigError
from .manifest import Manifest
from .models import load_tokenizer, load_trainable
from .protocol import ProtocolCallback, phase
from .training import make_args, run


def render(tokenizer, prompt: list[dict], completion: list[dict]) -> tuple[str, str]:
    """Conversational rows as text: the chat template over prompt (+ generation prompt), and the
    rest of the template over prompt + completion (as TRL does for prompt-completion data)."""
    head = tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)
    full = tokenizer.apply_chat_template(prompt + completion, tokenize=False)
    if not full.startswith(head):
        head = tokenizer.apply_chat_template(prompt, tokenize=False)
    return head, full[len(head) :]


def render_rows(tokenizer, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        prompt, completion = render(tokenizer, r["prompt"], r["completion"])
        out.append({"prompt": prompt, "completion": completion, "weight": r["weight"]})
    return out


def encode(tokenizer, prompt: str, completion: str, weight: float, max_length: int) -> dict[str, Any]:
    prompt_ids = tokenizer(prompt, add_special_tokens=True)["input_ids"] if prompt else []
    completion_ids = tokenizer(completion, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    completion_ids = completion_ids[:max_length]
    room = max_length - len(completion_ids)  # keep the end of a long prompt, the completion first
    prompt_ids = prompt_ids[len(prompt_ids) - room :] if len(prompt_ids) > room else prompt_ids
    return {
        "input_ids": prompt_ids + completion_ids,
        "labels": [-100] * len(prompt_ids) + completion_ids,
        "weight": weight,
    }


class WeightedCollator:
    def __init__(self, pad_id: int):
        self.pad_id = pad_id

    def __call__(self, features: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        width = max(len(f["input_ids"]) for f in features)
        ids, labels, mask = [], [], []
        for f in features:
            pad = width - len(f["input_ids"])
            ids.append(f["input_ids"] + [self.pad_id] * pad)
            labels.append(f["labels"] + [-100] * pad)
            mask.append([1] * len(f["input_ids"]) + [0] * pad)
        return {
            "input_ids": torch.tensor(ids),
            "attention_mask": torch.tensor(mask),
            "labels": torch.tensor(labels),
            "weights": torch.tensor([f["weight"] for f in features], dtype=torch.float32),
        }


def example_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """l_i: mean token NLL over each example's completion tokens (labels != -100), shape [B]."""
    logits = logits[:, :-1, :].float()
    target = labels[:, 1:]
    mask = (target != -100).float()
    nll = torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.size(-1)), target.clamp(min=0).reshape(-1), reduction="none"
    ).view(target.shape)
    return (nll * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)


def weighted_loss(logits: torch.Tensor, labels: torch.Tensor, weights: torch.Tensor, normalization: str = "mean") -> torch.Tensor:
    losses = example_losses(logits, labels)
    weights = weights.to(losses.device, losses.dtype)
    total = (weights * losses).sum()
    if normalization == "weighted_mean":
        return total / weights.sum().clamp(min=1e-12)
    return total / losses.numel()


class WeightedSFTTrainer(Trainer):
    def __init__(self, *args, loss_normalization: str = "mean", **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_normalization = loss_normalization
        # Our loss is already a per-batch mean: let the Trainer divide by the accumulation steps.
        self.model_accepts_loss_kwargs = False

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        weights = inputs.pop("weights")
        labels = inputs.pop("labels")
        outputs = model(**inputs)
        loss = weighted_loss(outputs.logits, labels, weights, self.loss_normalization)
        return (loss, outputs) if return_outputs else loss


def train_wsft(m: Manifest) -> dict[str, Any]:
    hp = m.hp
    rows, val_rows = read_datasets(m)
    phase("loading-model")
    tokenizer = load_tokenizer(m.base_model, "baseModel")
    if is_conversational(rows):
        if not tokenizer.chat_template:
            raise ConfigError(f"{m.path}: field baseModel: the dataset is conversational but the tokenizer has no chat template")
        rows = render_rows(tokenizer, rows)
        val_rows = render_rows(tokenizer, val_rows) if val_rows else None
    set_seed(m.seed)
    model, lora = load_trainable(m.base_model, hp, "baseModel")
    if lora is not None:
        from peft import get_peft_model

        model = get_peft_model(model, lora)
    if hp["gradient_checkpointing"] and hp["use_lora"]:
        model.enable_input_require_grads()

    def enc(rs):
        return [encode(tokenizer, r["prompt"], r["completion"], r["weight"], hp["max_length"]) for r in rs]

    callback = ProtocolCallback()
    phase("tokenizing")
    train_set, eval_set = enc(rows), (enc(val_rows) if val_rows else None)
    trainer = WeightedSFTTrainer(
        model=model,
        args=make_args(TrainingArguments, m, label_names=["labels"], prediction_loss_only=True),
        train_dataset=train_set,
        eval_dataset=eval_set,
        data_collator=WeightedCollator(tokenizer.pad_token_id),
        processing_class=tokenizer,
        callbacks=[callback],
        loss_normalization=hp["loss_normalization"],
    )
    return run(m, trainer, callback)
