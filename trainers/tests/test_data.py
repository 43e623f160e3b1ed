import pytest

from socratic_trainer.data import read_jsonl
from socratic_trainer.errors import DataError
from socratic_trainer.training import run as train_run
from socratic_trainer.manifest import parse_manifest
from socratic_trainer.protocol import ProtocolCallback

from .conftest import run_trainer


def write(tmp_path, text):
    path = tmp_path / "d.jsonl"
    path.write_text(text)
    return str(path)


def test_reads_rows_and_skips_blank_lines(tmp_path):
    path = write(tmp_path, '{"prompt":"p","chosen":"a","rejected":"b","extra":1}\n\n{"prompt":"","chosen":"c","rejected":"d"}\n')
    assert read_jsonl(path, "dpo") == [{"prompt": "p", "chosen": "a", "rejected": "b"}, {"prompt": "", "chosen": "c", "rejected": "d"}]


@pytest.mark.parametrize(
    "kind, text, needle",
    [
        ("dpo", '{"prompt":"p","chosen":"a","rejected":"b"}\n{"prompt":"p","chosen":"a"}\n', "d.jsonl:2: field 'rejected'"),
        ("dpo", '{"prompt":"p","chosen":"a","rejected":"b"}\nnot json\n', "d.jsonl:2: invalid JSON"),
        ("dpo", '[1, 2]\n', "d.jsonl:1: each line must be a JSON object"),
        ("dpo", '{"prompt":"p","chosen":"","rejected":"b"}\n', "d.jsonl:1: field 'chosen'"),
        ("wsft", '{"prompt":"p","completion":"c","weight":-1}\n', "d.jsonl:1: field 'weight'"),
        ("wsft", '{"prompt":"p","completion":"c","weight":"1"}\n', "d.jsonl:1: field 'weight'"),
        ("wsft", '{"prompt":"p","completion":"c"}\n', "d.jsonl:1: field 'weight'"),
        ("wsft", '{"prompt":"p","completion":"c","weight":0}\n', "every example has weight 0"),
        ("wsft", "\n\n", "the dataset is empty"),
    ],
)
def test_bad_lines_name_file_line_and_field(tmp_path, kind, text, needle):
    with pytest.raises(DataError) as err:
        read_jsonl(write(tmp_path, text), kind)
    assert needle in str(err.value)


def test_missing_file_is_bad_data(tmp_path):
    with pytest.raises(DataError):
        read_jsonl(str(tmp_path / "missing.jsonl"), "dpo")


def test_cli_exits_65_for_a_bad_dataset_line(make_manifest, tmp_path):
    path = write(tmp_path, '{"prompt":"p","chosen":"a","rejected":"b"}\n{"prompt":"p","chosen":7,"rejected":"b"}\n')
    run = run_trainer(make_manifest("dpo", path))
    assert run.rc == 65 and run.events == []
    assert "d.jsonl:2: field 'chosen'" in run.stderr


def test_cli_exits_65_for_an_empty_dataset(make_manifest, tmp_path):
    run = run_trainer(make_manifest("wsft", write(tmp_path, "")))
    assert run.rc == 65 and "empty" in run.stderr


def test_a_run_that_trained_zero_steps_fails(tmp_path):
    class NoSteps:
        class state:
            global_step = 0

        def train(self, resume_from_checkpoint=None):
            pass

    m = parse_manifest("m.json", {"kind": "wsft", "runId": "r", "round": 0, "role": "generator", "baseModel": "b",
                                  "dataset": {"train": "t.jsonl"}, "outputDir": str(tmp_path), "seed": 0})
    with pytest.raises(DataError, match="zero"):
        train_run(m, NoSteps(), ProtocolCallback())
    assert not (tmp_path / "result.json").exists()


def test_conversational_rows_are_accepted_and_formats_do_not_mix(tmp_path):
    msgs = '[{"role":"user","content":"hi"}]'
    ok = f'{{"prompt":{msgs},"chosen":[{{"role":"assistant","content":"a"}}],"rejected":[{{"role":"assistant","content":"b"}}]}}\n'
    assert read_jsonl(write(tmp_path, ok), "dpo")[0]["prompt"] == [{"role": "user", "content": "hi"}]
    with pytest.raises(DataError, match="d.jsonl:2: field 'prompt' mixes"):
        read_jsonl(write(tmp_path, ok + '{"prompt":"p","chosen":"a","rejected":"b"}\n'), "dpo")
    with pytest.raises(DataError, match="d.jsonl:1: field 'chosen' mixes"):
        read_jsonl(write(tmp_path, f'{{"prompt":{msgs},"chosen":"a","rejected":"b"}}\n'), "dpo")


def test_an_empty_validation_file_means_no_validation(tmp_path):
    from socratic_trainer.data import read_datasets

    train = write(tmp_path, '{"prompt":"p","completion":"c","weight":1}\n')
    empty = tmp_path / "val.jsonl"
    empty.write_text("")
    m = parse_manifest("m.json", {"kind": "wsft", "runId": "r", "round": 0, "role": "generator", "baseModel": "b",
                                  "dataset": {"train": train, "validation": str(empty)}, "outputDir": "o", "seed": 0})
    rows, val = read_datasets(m)
    assert len(rows) == 1 and val is None and m.validation is None
