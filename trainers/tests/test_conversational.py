import json
import shutil

from transformers import AutoTokenizer

from socratic_trainer.selftest import write_jsonl
from socratic_trainer.wsft import render

from .conftest import first_step, run_trainer

TEMPLATE = "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}"


def chat_model(base_model, tmp_path):
    path = str(tmp_path / "chat-base")
    shutil.copytree(base_model, path)
    tok = AutoTokenizer.from_pretrained(path, local_files_only=True)
    tok.chat_template = TEMPLATE
    tok.save_pretrained(path)
    return path, tok


def test_render_splits_the_chat_template_at_the_completion(base_model, tmp_path):
    _, tok = chat_model(base_model, tmp_path)
    head, tail = render(tok, [{"role": "user", "content": "1+1?"}], [{"role": "assistant", "content": "2"}])
    assert head == "<user>1+1?\n<assistant>" and tail == "2\n"


def test_conversational_dpo_trains(base_model, make_manifest, tmp_path):
    path, _ = chat_model(base_model, tmp_path)
    rows = [
        {"prompt": [{"role": "user", "content": f"{i}+{i}?"}],
         "chosen": [{"role": "assistant", "content": str(2 * i)}],
         "rejected": [{"role": "assistant", "content": "no idea"}]}
        for i in range(8)
    ]
    run = run_trainer(make_manifest("dpo", rows, manifest={"baseModel": path}, max_steps=2))
    assert run.rc == 0, run.stderr
    assert first_step(run.events)["step"] == 1 and run.events[-1]["steps"] == 2


def test_conversational_data_needs_a_chat_template(make_manifest):
    rows = [{"prompt": [{"role": "user", "content": "q"}], "completion": [{"role": "assistant", "content": "a"}], "weight": 1}]
    run = run_trainer(make_manifest("wsft", rows))
    assert run.rc == 78 and "chat template" in run.stderr
