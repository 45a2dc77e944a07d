"""One sampling default set: SampleOptions' defaults are the extension's settings defaults."""
import json
from pathlib import Path

from training import evaluate, humaneval
from training.sample import SampleOptions

ROOT = Path(__file__).resolve().parents[2]
SETTING = {"steps": "steps", "order": "order", "temperature": "temperature", "top_p": "topP", "seed": "seed"}


def extension_defaults() -> dict:
    props = json.loads((ROOT / "package.json").read_text())["contributes"]["configuration"]["properties"]
    return {field: props[f"pgmInfill.{key}"]["default"] for field, key in SETTING.items()}


def test_sample_options_defaults_are_the_extension_settings_defaults():
    d = SampleOptions()
    assert {field: getattr(d, field) for field in SETTING} == extension_defaults()


def test_evaluation_tools_default_to_the_same_options():
    d = SampleOptions()
    ev = evaluate.parser().parse_args(["--ckpt", "m", "--tokenizer", "t", "--files", "f"])
    he = humaneval.parser().parse_args(["--ckpt", "m", "--tokenizer", "t", "--bench", "b"])
    for a in (ev, he):
        assert (a.steps, a.temperature, a.top_p) == (d.steps, d.temperature, d.top_p)
    assert ev.order == d.order
