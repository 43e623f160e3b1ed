"""Point 1 (trainer side): conversational pairs reach TRL as messages and are tokenized with the
tokenizer's chat template, on a real tokenizer (SmolLM2's, from its GGUF file)."""

import json
import os

import pytest
from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

from socratic_trainer.dpo import build_dpo_trainer
from socratic_trainer.manifest import load_manifest

from .smollm2 import smollm2_tokenizer_dir

# The messages the Solver is sampled with (system + user), and one assistant message per side.
PROMPT = [
    {"role": "system", "content": "You are a careful mathematician. Give the final answer in \\boxed{}."},
    {"role": "user", "content": "What is $7 + 5$?"},
]
CHOSEN = [{"role": "assistant", "content": "7 + 5 = 12, so the answer is $\\boxed{12}$."}]
REJECTED = [{"role": "assistant", "content": "The answer is $\\boxed{13}$."}]


@pytest.fixture(scope="module")
def smollm2_base(tmp_path_factory):
    """A tiny random Llama over SmolLM2's real vocabulary, saved with SmolLM2's tokenizer."""
    tok = AutoTokenizer.from_pretrained(smollm2_tokenizer_dir(), local_files_only=True)
    path = str(tmp_path_factory.mktemp("smollm2-tiny"))
    config = LlamaConfig(
        vocab_size=len(tok), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=512,
    )
    LlamaForCausalLM(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_the_trainer_tokenizes_pairs_with_the_chat_template(smollm2_base, make_manifest):
    manifest = make_manifest(
        "dpo",
        [{"prompt": PROMPT, "chosen": CHOSEN, "rejected": REJECTED}],
        manifest={"baseModel": smollm2_base},
        max_prompt_length=512,
        max_length=512,
    )
    trainer, _, _ = build_dpo_trainer(load_manifest(manifest))
    row = trainer.train_dataset[0]
    tok = trainer.processing_class
    assert tok.chat_template and "<|im_start|>" in tok.chat_template

    prompt_ids = tok.apply_chat_template(PROMPT, add_generation_prompt=True, tokenize=True)
    assert row["prompt_input_ids"] == prompt_ids
    for side, messages in (("chosen", CHOSEN), ("rejected", REJECTED)):
        whole = tok.apply_chat_template(PROMPT + messages, tokenize=True)
        # TRL ends each completion with EOS after the template's own end of turn.
        assert row["prompt_input_ids"] + row[f"{side}_input_ids"] == whole + [tok.eos_token_id], side
    # Not the flattened text: the system message is inside its own chat turn.
    assert tok.decode(prompt_ids).startswith("<|im_start|>system\n" + PROMPT[0]["content"])


def test_a_plain_string_prompt_is_not_wrapped_in_the_template(smollm2_base, make_manifest):
    """The old export (one flattened string) trains on text the Solver never saw: no chat turns."""
    flat = PROMPT[0]["content"] + "\n\n" + PROMPT[1]["content"]
    manifest = make_manifest(
        "dpo",
        [{"prompt": flat, "chosen": CHOSEN[0]["content"], "rejected": REJECTED[0]["content"]}],
        manifest={"baseModel": smollm2_base},
    )
    trainer, _, _ = build_dpo_trainer(load_manifest(manifest))
    ids = trainer.train_dataset[0]["prompt_input_ids"]
    templated = trainer.processing_class.apply_chat_template(PROMPT, add_generation_prompt=True, tokenize=True)
    assert ids != templated
    assert json.dumps(trainer.processing_class.decode(ids)).find("<|im_start|>") == -1
    assert os.path.isdir(smollm2_base)
