"""What DPO and WSFT share: TrainingArguments from the manifest, resume, the final save and result.json."""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

from .errors import ConfigError, DataError
from .manifest import Manifest
from .models import use_bf16
from .protocol import ProtocolCallback, done, numeric_metrics, phase, progress

log = logging.getLogger("socratic_trainer")

_CHECKPOINT = re.compile(r"^checkpoint-(\d+)$")


def common_args(m: Manifest) -> dict[str, Any]:
    """Keyword arguments for transformers.TrainingArguments (and TRL's DPOConfig, a subclass)."""
    hp = m.hp
    evaluate = m.validation is not None and hp["eval_steps"] > 0
    return dict(
        output_dir=m.output_dir,
        learning_rate=hp["learning_rate"],
        max_steps=hp["max_steps"],
        num_train_epochs=hp["num_train_epochs"],
        per_device_train_batch_size=hp["per_device_train_batch_size"],
        per_device_eval_batch_size=hp["per_device_eval_batch_size"],
        gradient_accumulation_steps=hp["gradient_accumulation_steps"],
        warmup_ratio=hp["warmup_ratio"],
        warmup_steps=hp["warmup_steps"],
        lr_scheduler_type=hp["lr_scheduler_type"],
        weight_decay=hp["weight_decay"],
        max_grad_norm=hp["max_grad_norm"],
        logging_steps=hp["logging_steps"],
        save_strategy="steps",
        save_steps=hp["save_steps"],
        save_total_limit=hp["save_total_limit"],
        eval_strategy="steps" if evaluate else "no",
        eval_steps=hp["eval_steps"] if evaluate else None,
        bf16=use_bf16(hp),
        gradient_checkpointing=hp["gradient_checkpointing"],
        seed=m.seed,
        data_seed=m.seed,
        report_to="none",
        disable_tqdm=True,
        remove_unused_columns=False,
    )


def make_args(cls, m: Manifest, **extra):
    try:
        return cls(**common_args(m), **extra)
    except ValueError as e:
        raise ConfigError(f"{m.path}: field hyperparameters: {e}") from e


def latest_checkpoint(output_dir: str) -> str | None:
    """The newest complete checkpoint (trainer_state.json is written last) in output_dir."""
    if not os.path.isdir(output_dir):
        return None
    best: tuple[int, str] | None = None
    for name in os.listdir(output_dir):
        match = _CHECKPOINT.match(name)
        path = os.path.join(output_dir, name)
        if match and os.path.isfile(os.path.join(path, "trainer_state.json")):
            if best is None or int(match.group(1)) > best[0]:
                best = (int(match.group(1)), path)
    return best[1] if best else None


def write_json_atomic(path: str, data: Any) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)


def final_checkpoint(m: Manifest, checkpoint: str | None):
    """The TrainerState of checkpoint when it already holds the last step, else None."""
    if checkpoint is None:
        return None
    from transformers import TrainerState

    state = TrainerState.load_from_json(os.path.join(checkpoint, "trainer_state.json"))
    wanted = m.hp["max_steps"] if m.hp["max_steps"] > 0 else state.max_steps
    return state if 0 < wanted <= state.global_step else None


def history_metrics(log_history: list[dict[str, Any]]) -> dict[str, float]:
    """The last value of every number logged during the whole run (resumed runs included)."""
    metrics: dict[str, float] = {}
    for entry in log_history:
        metrics.update(numeric_metrics({k: v for k, v in entry.items() if k != "step"}))
    return metrics


def run(m: Manifest, trainer, callback: ProtocolCallback, before_save=None) -> dict[str, Any]:
    """Train (resuming from the newest checkpoint), save the model, write result.json, print `done`."""
    os.makedirs(m.output_dir, exist_ok=True)
    checkpoint = latest_checkpoint(m.output_dir)
    finished = final_checkpoint(m, checkpoint)
    if finished is not None:
        # Restarted after the last checkpoint: training again would run past max_steps.
        log.info("%s holds the last step (%d): saving it without training", checkpoint, finished.global_step)
        trainer._load_from_checkpoint(checkpoint)
        trainer.state = finished
        if trainer.is_world_process_zero():
            progress(finished.global_step, finished.max_steps, {})
    else:
        if checkpoint:
            log.info("resuming from %s", checkpoint)
        phase("training")
        trainer.train(resume_from_checkpoint=checkpoint)
    steps = trainer.state.global_step
    if steps <= 0:
        raise DataError(f"{m.train}: training ran zero optimisation steps")
    metrics = history_metrics(trainer.state.log_history)
    if m.validation is not None:
        metrics.update(numeric_metrics(trainer.evaluate()))  # also logged: a progress line
    phase("saving")
    if before_save is not None:
        before_save(trainer)
    model_dir = os.path.abspath(os.path.join(m.output_dir, "model"))
    trainer.save_model(model_dir)
    result = {"model": model_dir, "steps": steps, "metrics": metrics}
    if trainer.is_world_process_zero():
        write_json_atomic(os.path.join(m.output_dir, "result.json"), result)
        done(model_dir, steps, metrics)
    return result
