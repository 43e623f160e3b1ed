"""The manifest (contracts/trainer.ts TrainerManifest) and the hyperparameters each kind accepts.

Validation mirrors the zod schema: the same fields, types and bounds; unknown
top-level keys are ignored as zod does. Unknown hyperparameters are rejected so a
typo cannot silently fall back to a default (except IGNORED: keys the orchestrator
itself reads from the same table). Every error names the manifest file
and the field, and exits 78 (bad config).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ConfigError

KINDS = ("dpo", "wsft")
ROLES = ("solver", "generator")


@dataclass(frozen=True)
class Param:
    type: type  # float, int, bool or str
    default: Any
    check: Callable[[Any], bool] = lambda v: True
    rule: str = ""
    kinds: tuple[str, ...] = KINDS
    default_wsft: Any = None  # when the wsft default differs


DPO_LOSSES = (
    "sigmoid", "hinge", "ipo", "exo_pair", "nca_pair", "robust", "bco_pair",
    "sppo_hard", "aot", "aot_pair", "apo_zero", "apo_down", "discopop", "sft",
)


def _pos(v):
    return v > 0


def _nonneg(v):
    return v >= 0


# name -> spec. Defaults follow the paper (SPEC §3): DPO lr 5e-6, beta 0.1,
# max length 2048, LoRA r 64 / alpha 128.
PARAMS: dict[str, Param] = {
    "learning_rate": Param(float, 5e-6, _pos, "> 0", default_wsft=1e-5),
    "max_steps": Param(int, -1, lambda v: v == -1 or v > 0, "-1 (use num_train_epochs) or > 0"),
    "num_train_epochs": Param(float, 1.0, _pos, "> 0"),
    "per_device_train_batch_size": Param(int, 1, _pos, "> 0"),
    "per_device_eval_batch_size": Param(int, 1, _pos, "> 0"),
    "gradient_accumulation_steps": Param(int, 8, _pos, "> 0"),
    "warmup_ratio": Param(float, 0.1, lambda v: 0 <= v < 1, "in [0, 1)"),
    "warmup_steps": Param(int, 0, _nonneg, ">= 0"),
    "lr_scheduler_type": Param(str, "cosine"),
    "weight_decay": Param(float, 0.0, _nonneg, ">= 0"),
    "max_grad_norm": Param(float, 1.0, _pos, "> 0"),
    "max_length": Param(int, 2048, _pos, "> 0"),
    "max_prompt_length": Param(int, 1024, _pos, "> 0", kinds=("dpo",)),
    "beta": Param(float, 0.1, _pos, "> 0", kinds=("dpo",)),
    "loss_type": Param(str, "sigmoid", lambda v: v in DPO_LOSSES, "one of TRL's DPO loss types", kinds=("dpo",)),
    "loss_normalization": Param(
        str, "mean", lambda v: v in ("mean", "weighted_mean"), "'mean' or 'weighted_mean'", kinds=("wsft",)
    ),
    "use_lora": Param(bool, True),
    "lora_r": Param(int, 64, _pos, "> 0"),
    "lora_alpha": Param(float, 128.0, _pos, "> 0"),
    "lora_dropout": Param(float, 0.05, lambda v: 0 <= v < 1, "in [0, 1)"),
    "lora_target_modules": Param(str, "all-linear"),
    "save_steps": Param(int, 100, _pos, "> 0"),
    "save_total_limit": Param(int, 2, _pos, "> 0"),
    "logging_steps": Param(int, 1, _pos, "> 0"),
    "eval_steps": Param(int, 0, _nonneg, ">= 0 (0: only at the end)"),
    "bf16": Param(str, "auto", lambda v: v in ("auto", "true", "false"), "true, false or 'auto'"),
    "gradient_checkpointing": Param(bool, False),
    "attn_implementation": Param(str, "sdpa", lambda v: v in ("eager", "sdpa", "flash_attention_2"), "eager, sdpa or flash_attention_2"),
}


# The orchestrator copies its trainer hyperparameters into the manifest whole, and
# reads `base_model` from them itself (activities/train.ts): not ours to reject.
IGNORED = ("base_model",)


@dataclass
class Manifest:
    path: str
    kind: str
    run_id: str
    round: int
    role: str
    base_model: str
    reference_model: str | None
    train: str
    validation: str | None
    output_dir: str
    seed: int
    hp: dict[str, Any] = field(default_factory=dict)  # every PARAMS entry for this kind, defaults filled in


def _err(path: str, where: str, msg: str) -> ConfigError:
    return ConfigError(f"{path}: field {where}: {msg}")


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return int(v)
    return None


def _str(path: str, obj: dict, key: str, where: str, optional: bool = False) -> str | None:
    if key not in obj or (optional and obj[key] is None):
        if optional:
            return None
        raise _err(path, where, "is required")
    v = obj[key]
    if not isinstance(v, str) or not v:
        raise _err(path, where, f"must be a non-empty string, got {json.dumps(v)}")
    return v


def _coerce(path: str, name: str, spec: Param, raw: Any) -> Any:
    where = f"hyperparameters.{name}"
    value: Any = None
    if spec.type is bool:
        if isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str) and raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
    elif spec.type is int:
        value = _int(raw)
        if value is None and isinstance(raw, str):
            try:
                value = _int(float(raw))
            except ValueError:
                value = None
    elif spec.type is float:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = float(raw)
        elif isinstance(raw, str):
            try:
                value = float(raw)
            except ValueError:
                value = None
        if value is not None and not math.isfinite(value):
            value = None
    else:  # str; bf16 also takes booleans
        if isinstance(raw, bool):
            value = "true" if raw else "false"
        elif isinstance(raw, str):
            value = raw
    if value is None:
        raise _err(path, where, f"must be a {spec.type.__name__}, got {json.dumps(raw)}")
    if not spec.check(value):
        raise _err(path, where, f"must be {spec.rule}, got {json.dumps(raw)}")
    return value


def hyperparameters(path: str, kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    hp: dict[str, Any] = {}
    for name, value in raw.items():
        if name in IGNORED:
            continue
        spec = PARAMS.get(name)
        if spec is None or kind not in spec.kinds:
            known = ", ".join(n for n, s in PARAMS.items() if kind in s.kinds)
            raise _err(path, f"hyperparameters.{name}", f"unknown hyperparameter for kind {kind!r} (known: {known})")
        hp[name] = _coerce(path, name, spec, value)
    for name, spec in PARAMS.items():
        if kind in spec.kinds and name not in hp:
            hp[name] = spec.default_wsft if kind == "wsft" and spec.default_wsft is not None else spec.default
    return hp


def parse_manifest(path: str, data: Any) -> Manifest:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the manifest must be a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise _err(path, "kind", f"must be one of {', '.join(KINDS)}, got {json.dumps(kind)}")
    role = data.get("role")
    if role not in ROLES:
        raise _err(path, "role", f"must be one of {', '.join(ROLES)}, got {json.dumps(role)}")
    rnd = _int(data.get("round"))
    if rnd is None or rnd < 0:
        raise _err(path, "round", f"must be a non-negative integer, got {json.dumps(data.get('round'))}")
    seed = _int(data.get("seed"))
    if seed is None:
        raise _err(path, "seed", f"must be an integer, got {json.dumps(data.get('seed'))}")
    ds = data.get("dataset")
    if not isinstance(ds, dict):
        raise _err(path, "dataset", "must be an object with train (and optional validation)")
    raw_hp = data.get("hyperparameters", {})
    if raw_hp is None:
        raw_hp = {}
    if not isinstance(raw_hp, dict):
        raise _err(path, "hyperparameters", "must be an object of numbers, strings and booleans")
    for name, value in raw_hp.items():
        if not isinstance(value, (int, float, str, bool)):
            raise _err(path, f"hyperparameters.{name}", f"must be a number, string or boolean, got {json.dumps(value)}")
    base_model = _str(path, data, "baseModel", "baseModel")
    reference_model = _str(path, data, "referenceModel", "referenceModel", optional=True)
    if reference_model is not None and os.path.realpath(reference_model) == os.path.realpath(base_model):
        reference_model = None  # the default anyway, and the cheap way (no second copy of the model)
    return Manifest(
        path=path,
        kind=kind,
        run_id=_str(path, data, "runId", "runId"),
        round=rnd,
        role=role,
        base_model=base_model,
        reference_model=reference_model,
        train=_str(path, ds, "train", "dataset.train"),
        validation=_str(path, ds, "validation", "dataset.validation", optional=True),
        output_dir=_str(path, data, "outputDir", "outputDir"),
        seed=seed,
        hp=hyperparameters(path, kind, raw_hp),
    )


def load_manifest(path: str) -> Manifest:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read the manifest: {e.strerror or e}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}:{e.lineno}: invalid JSON: {e.msg} (column {e.colno})") from e
    return parse_manifest(path, data)
