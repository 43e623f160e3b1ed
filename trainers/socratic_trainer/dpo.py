"""DPO for the Solver (SPEC §3 step 7) with TRL's DPOTrainer, LoRA via PEFT by default.

The reference policy is the base model M_t unless the manifest names
`referenceModel`: with a fresh LoRA adapter on a plain base model TRL computes it
by disabling the adapter; when the base is itself an adapter (the previous
round's output) that adapter is trained further and a frozen copy of it, adapter
"reference", is the reference policy.
"""

from __future__ import annotations

from typing import Any

from datasets import Dataset
from transformers import set_seed
from trl import DPOConfig, DPOTrainer

from .data import is_conversational, read_datasets
from .errors import ConfigError
from .manifest import Manifest
from .models import is_adapter, load_merged, load_tokenizer, load_trainable
from .protocol import ProtocolCallback, phase
from .training import make_args, run


def build_dpo_trainer(m: Manifest):
    """The DPOTrainer for a manifest, its data tokenized (conversational rows through the chat
    template, as TRL does for message lists), and the hook to run before saving."""
    hp = m.hp
    rows, val_rows = read_datasets(m)
    phase("loading-model")
    tokenizer = load_tokenizer(m.base_model, "baseModel")
    if is_conversational(rows) and not tokenizer.chat_template:
        raise ConfigError(f"{m.path}: field baseModel: the dataset is conversational but the tokenizer has no chat template")
    set_seed(m.seed)
    ref_adapter = hp["use_lora"] and is_adapter(m.base_model) and m.reference_model is None
    model, lora = load_trainable(m.base_model, hp, "baseModel", reference_adapter=ref_adapter)
    ref_model = load_merged(m.reference_model, hp, "referenceModel") if m.reference_model else None
    args = make_args(
        DPOConfig,
        m,
        beta=hp["beta"],
        loss_type=hp["loss_type"],
        max_length=hp["max_length"],
        max_prompt_length=min(hp["max_prompt_length"], hp["max_length"]),
        model_adapter_name="default" if ref_adapter else None,
        ref_adapter_name="reference" if ref_adapter else None,
        force_use_ref_model=ref_model is not None,
    )
    callback = ProtocolCallback()
    phase("tokenizing")  # DPOTrainer applies the chat template and tokenizes the pairs here
    trainer = DPOTrainer(
        model=model,
        ref_model=ref_model,
        args=args,
        # Message lists stay message lists: TRL renders them with the tokenizer's chat template.
        train_dataset=Dataset.from_list(rows),
        eval_dataset=Dataset.from_list(val_rows) if val_rows else None,
        processing_class=tokenizer,
        peft_config=lora,
        callbacks=[callback],
    )

    def drop_reference_adapter(t) -> None:
        # Save only the trained adapter, not the frozen reference copy.
        if ref_adapter:
            t.model.delete_adapter("reference")

    return trainer, callback, drop_reference_adapter


def train_dpo(m: Manifest) -> dict[str, Any]:
    trainer, callback, before_save = build_dpo_trainer(m)
    return run(m, trainer, callback, before_save=before_save)
