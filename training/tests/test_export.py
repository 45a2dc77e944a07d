"""ONNX export: onnxruntime reproduces PyTorch, dynamic batch/clean/query sizes, manifest names."""
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import numpy_helper

from training.cache_export import run_step
from training.export import ENC_DEC_GRAPHS, export_graphs, export_model, write_manifest
from training.model import PartitionTransformer, PGMConfig

TOKENIZER = Path(__file__).resolve().parents[2] / "models" / "tiny" / "tokenizer.json"


FLAGS = [{}, {"qk_norm": True}, {"mlp": "relu2"}, {"bias": False},
         {"qk_norm": True, "mlp": "relu2", "bias": False, "zero_init_out": True}]


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "+".join(f) or "v1")
def test_export_parity_and_dynamic_shapes(tmp_path, flags):
    torch.manual_seed(0)
    m = PartitionTransformer(PGMConfig(vocab_size=4096, canvas=64, d_model=32, n_heads=2, n_enc=1, n_dec=1, d_ff=64,
                                       **flags))
    if flags.get("zero_init_out"):  # trained weights are not zero: give the projections values
        with torch.no_grad():
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)
    worst = export_model(m, TOKENIZER, tmp_path, "t", "test", {})
    assert worst < 1e-4
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    # one graph: the step graph holds every weight, no encoder/decoder copy
    assert set(manifest["graphs"]) == {"step"} and "cache_graphs" not in manifest
    assert sorted(p.name for p in tmp_path.glob("*.onnx")) == ["cache_step.onnx"]
    step = ort.InferenceSession(str(tmp_path / "cache_step.onnx"))
    assert [i.name for i in step.get_inputs()] == manifest["graphs"]["step"]["inputs"]
    assert [o.name for o in step.get_outputs()] == manifest["graphs"]["step"]["outputs"]
    # shapes never seen at export time: batch 5, 11 clean tokens (one row padded), 1 query
    ids = torch.randint(3, 4096, (5, 11))
    pos = torch.stack([torch.randperm(64)[:11] for _ in range(5)])
    mask = torch.ones(5, 11, dtype=torch.bool)
    mask[2, 4:] = False
    q = torch.randint(0, 64, (5, 1))
    m = m.eval().half().float()  # what the fp16 graph holds
    with torch.no_grad():
        ref = m.decode(m.encode(ids, pos, mask), pos, mask, q).numpy()
    out = run_step(step, ids.numpy(), pos.numpy(), mask.numpy(), q.numpy())
    assert np.abs(out - ref).max() < 1e-4
    fixture = json.loads((tmp_path / "fixture.json").read_text())
    assert fixture["cases"] and fixture["tolerance"] == 1e-4


def test_reference_sampler_fills_and_respects_capacity():
    from training.sample import SampleOptions, infill
    torch.manual_seed(0)
    m = PartitionTransformer(PGMConfig(vocab_size=64, canvas=32, d_model=16, n_heads=2, n_enc=1, n_dec=1, d_ff=32)).eval()
    special = {"doc": 0, "gap": 1, "pad": 2}
    for order in ("confidence", "random", "left-to-right"):
        out = infill(m, [[5, 6, 7], [0]], [[8, 9], [10, 0]], [6, 4], special, SampleOptions(steps=3, order=order))
        assert len(out[0]) <= 6 and len(out[1]) <= 4
        assert all(t not in (0, 1, 2) for fill in out for t in fill)
    exact = infill(m, [[5, 6, 7]], [[8]], [5], special, SampleOptions(steps=5, allow_gap=False, seed=0))
    assert len(exact[0]) == 5
    again = infill(m, [[5, 6, 7]], [[8]], [5], special, SampleOptions(steps=5, allow_gap=False, seed=0))
    assert exact == again  # same seed, same fill


@pytest.mark.parametrize("flags", [{}, {"qk_norm": True, "mlp": "relu2", "bias": False}], ids=["v1", "v2flags"])
def test_onnx_graphs_hold_every_parameter_in_fp16_and_read_back(tmp_path, flags):
    from training.checkpoint import load_weights_any
    torch.manual_seed(1)
    m = PartitionTransformer(PGMConfig(vocab_size=4096, canvas=64, d_model=32, n_heads=2, n_enc=2, n_dec=1, d_ff=64,
                                       **flags))
    export_model(m, TOKENIZER, tmp_path, "t", "test", {})
    state, cfg, _ = load_weights_any(tmp_path)
    ref = m.state_dict()
    assert set(state) == set(ref)  # nothing merged or dropped by the exporter
    for k, v in ref.items():
        assert torch.equal(state[k], v.half().float()), k
    assert PGMConfig.from_dict(cfg) == m.cfg


def test_init_from_a_step_only_folder_gives_the_weights_of_the_split_graphs(tmp_path):
    """--init-from / evaluate read a folder's weights from whichever graphs it has: a step-only
    folder, an encoder+decoder folder and one with all three give the same tensors."""
    from training.checkpoint import load_weights_any
    from training.onnx_weights import read_state_dict
    torch.manual_seed(3)
    m = PartitionTransformer(PGMConfig(vocab_size=4096, canvas=64, d_model=32, n_heads=2, n_enc=2, n_dec=2, d_ff=64))
    step_only = tmp_path / "step"
    export_model(m, TOKENIZER, step_only, "t", "test", {})
    split = tmp_path / "split"
    split.mkdir()
    export_graphs(m.eval().half().float(), split)
    write_manifest(split, m.cfg, "t", "test", {}, graphs=ENC_DEC_GRAPHS)
    a, cfg_a, _ = load_weights_any(step_only)
    b, cfg_b, _ = load_weights_any(split)
    assert cfg_a == cfg_b and set(a) == set(b) == set(m.state_dict())
    for k in a:
        assert torch.equal(a[k], b[k]), k
    both = read_state_dict([split / "encoder.onnx", split / "decoder.onnx", step_only / "cache_step.onnx"])
    assert set(both) == set(a) and all(np.array_equal(both[k], a[k].numpy()) for k in a)


def test_weights_read_back_under_a_wrapper_prefix_and_clash_is_refused(tmp_path):
    """The step graph's initializers may carry a wrapper's prefix (`extend.m.enc.0...`)."""
    from training.onnx_weights import read_state_dict
    torch.manual_seed(4)
    m = PartitionTransformer(PGMConfig(vocab_size=4096, canvas=64, d_model=32, n_heads=2, n_enc=1, n_dec=1, d_ff=64))
    export_model(m, TOKENIZER, tmp_path, "t", "test", {})
    plain = read_state_dict([tmp_path / "cache_step.onnx"])
    g = onnx.load(str(tmp_path / "cache_step.onnx"))
    renamed = {}
    for init in g.graph.initializer:
        if init.name.startswith("m."):
            renamed[init.name] = "extend." + init.name
            init.name = renamed[init.name]
    for node in g.graph.node:
        for i, name in enumerate(node.input):
            node.input[i] = renamed.get(name, name)
    onnx.save(g, str(tmp_path / "prefixed.onnx"))
    prefixed = read_state_dict([tmp_path / "prefixed.onnx"])
    assert set(prefixed) == set(plain) and all(np.array_equal(prefixed[k], plain[k]) for k in plain)
    first = next(i for i in g.graph.initializer if i.name.startswith("extend.m.") and i.dims)
    arr = numpy_helper.to_array(first).copy()
    arr.flat[0] += 1
    first.CopyFrom(numpy_helper.from_array(arr, first.name))
    onnx.save(g, str(tmp_path / "other.onnx"))
    with pytest.raises(ValueError, match="differs from the one in another graph"):
        read_state_dict([tmp_path / "cache_step.onnx", tmp_path / "other.onnx"])


def test_cdf_length_rule_commits_trailing_gaps_only():
    from training.sample import choose_lengths

    class GapAfter3:  # a fake network: P(gap) is high from hole offset 3 on
        cfg = PGMConfig(vocab_size=8, canvas=16, d_model=8, n_heads=2, n_enc=1, n_dec=1, d_ff=8)

        def parameters(self):
            yield torch.zeros(1)

        def encode(self, ids, pos, mask):
            return torch.zeros(ids.shape[0], ids.shape[1], 1)

        def decode(self, mem, pos, mask, qpos):
            logits = torch.zeros(qpos.shape[0], qpos.shape[1], 8)
            logits[..., 1] = torch.where(qpos >= 5, 10.0, -10.0)  # hole starts at 2: offset 3 = pos 5
            return logits

    clean, holes, filled = [[(0, 4), (1, 4)]], [[2, 3, 4, 5, 6, 7]], [dict()]
    choose_lengths(GapAfter3(), clean, holes, filled, gap=1)
    assert filled[0] == {5: 1, 6: 1, 7: 1}
    assert (5, 1) in clean[0] and (4, 1) not in clean[0]


def test_cache_step_graph_is_exact_with_an_empty_cache_and_extends_like_pytorch(tmp_path):
    from training.cache_export import INPUTS, CacheStep, empty_past
    from training.trace_inputs import example_inputs
    torch.manual_seed(2)
    m = PartitionTransformer(PGMConfig(vocab_size=4096, canvas=64, d_model=32, n_heads=2, n_enc=2, n_dec=1, d_ff=64))
    export_model(m, TOKENIZER, tmp_path, "t", "test", {})
    assert json.loads((tmp_path / "manifest.json").read_text())["graphs"]["step"]["file"] == "cache_step.onnx"
    weights = [i for i in onnx.load(str(tmp_path / "cache_step.onnx")).graph.initializer if i.dims and "m." in i.name]
    assert weights and all(i.data_type == onnx.TensorProto.FLOAT16 for i in weights)  # fp16 weights
    m = m.eval().half().float()  # what the fp16 graphs hold
    sess = ort.InferenceSession(str(tmp_path / "cache_step.onnx"))
    ids, pos, mask, q = example_inputs(m.cfg, 3, 9, 4, seed=5)
    feeds = dict(zip(INPUTS, [t.numpy() for t in (ids, pos, mask, *empty_past(m.cfg, 3), q)]))
    logits, *past = sess.run(None, feeds)
    with torch.no_grad():
        exact = m.decode(m.encode(ids, pos, mask), pos, mask, q).numpy()
    assert np.abs(logits - exact).max() < 1e-4
    nid, npos, nmask, _ = example_inputs(m.cfg, 3, 2, 1, seed=6)
    step = dict(zip(INPUTS, [nid.numpy(), npos.numpy(), nmask.numpy(), *past, q.numpy()]))
    got, keys, *_ = sess.run(None, step)
    with torch.no_grad():
        ref = CacheStep(m)(nid, npos, nmask, *[torch.from_numpy(p) for p in past], q)[0].numpy()
    assert np.abs(got - ref).max() < 1e-4
    assert keys.shape[3] == 9 + 2  # the cache grows by the new tokens
