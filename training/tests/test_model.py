"""The Partition Transformer: training path == inference path, no leakage, finite edge cases."""
from dataclasses import replace

import pytest
import torch

from training.model import PartitionTransformer, PGMConfig

CFG = PGMConfig(vocab_size=64, canvas=32, d_model=32, n_heads=2, n_enc=2, n_dec=2, d_ff=64)
V2 = replace(CFG, qk_norm=True, mlp="relu2", bias=False)


def make(seed=0, cfg=CFG):
    torch.manual_seed(seed)
    return PartitionTransformer(cfg).eval()


@pytest.mark.parametrize("cfg", [CFG, V2], ids=["v1", "v2flags"])
def test_training_path_equals_inference_path_with_packed_clean_tokens_and_query_subset(cfg):
    m = make(0, cfg)
    L = CFG.canvas
    ids = torch.randint(0, CFG.vocab_size, (1, L))
    groups = (torch.rand(1, L) < 0.4).long()
    full = m(ids, groups)[0]
    clean = torch.nonzero(groups[0] == 0).flatten()
    hidden = torch.nonzero(groups[0] == 1).flatten()
    perm = clean[torch.randperm(len(clean))]  # packing order must not matter
    pad = 3  # padding after the clean tokens must not matter either
    c_ids = torch.cat([ids[0, perm], torch.zeros(pad, dtype=torch.long)])[None]
    c_pos = torch.cat([perm, torch.zeros(pad, dtype=torch.long)])[None]
    c_mask = torch.cat([torch.ones(len(perm), dtype=torch.bool), torch.zeros(pad, dtype=torch.bool)])[None]
    subset = hidden[torch.randperm(len(hidden))[: max(1, len(hidden) // 2)]]
    mem = m.encode(c_ids, c_pos, c_mask)
    logits = m.decode(mem, c_pos, c_mask, subset[None])[0]
    assert torch.allclose(logits, full[subset], atol=1e-5)


def test_no_leakage_predicted_group_tokens_do_not_change_its_predictions():
    m = make(1)
    L = CFG.canvas
    ids = torch.randint(0, CFG.vocab_size, (2, L))
    groups = (torch.rand(2, L) < 0.5).long()
    before = m(ids, groups)
    changed = torch.where(groups == 1, torch.randint(0, CFG.vocab_size, ids.shape), ids)
    after = m(changed, groups)
    g1 = groups == 1
    assert torch.allclose(before[g1], after[g1], atol=1e-5)
    # and group 0 predictions do change when group 1 tokens change (the model does look across)
    assert not torch.allclose(before[~g1], after[~g1], atol=1e-5)


def test_queries_are_independent_of_each_other():
    m = make(2)
    ids = torch.randint(0, CFG.vocab_size, (1, 10))
    pos = torch.arange(10)[None]
    mask = torch.ones(1, 10, dtype=torch.bool)
    mem = m.encode(ids, pos, mask)
    both = m.decode(mem, pos, mask, torch.tensor([[12, 20]]))
    one = m.decode(mem, pos, mask, torch.tensor([[20]]))
    assert torch.allclose(both[0, 1], one[0, 0], atol=1e-6)


def test_empty_group_gives_finite_outputs():
    m = make(3)
    ids = torch.randint(0, CFG.vocab_size, (2, CFG.canvas))
    for groups in (torch.zeros_like(ids), torch.ones_like(ids)):
        out = m(ids, groups)
        assert torch.isfinite(out).all()


def test_unknown_config_keys_are_rejected():
    import pytest
    with pytest.raises(ValueError, match="unknown model config keys"):
        PGMConfig.from_dict({"d_model": 32, "n_head": 2})


def test_flex_attention_training_pass_matches_the_dense_mask_path():
    """FlexAttention block masks (the CUDA path) give the dense-mask logits, empty groups included
    (forward only: FlexAttention has no CPU backward)."""
    m = make(2, V2)
    ids = torch.randint(0, CFG.vocab_size, (3, CFG.canvas))
    groups = (torch.rand(3, CFG.canvas) < 0.5).long()
    groups[2] = 0  # decoder rows with no key at all
    with torch.no_grad():
        dense = m(ids, groups)
        m.flex_attention = True
        flex = m(ids, groups)
    assert torch.allclose(dense, flex, atol=1e-5)


def test_zero_init_zeroes_residual_output_projections_only():
    m = make(0, replace(CFG, zero_init_out=True))
    assert m.enc[0].attn.o.weight.abs().sum() == 0 and m.dec[1].mlp.down.weight.abs().sum() == 0
    assert m.swap.attn.o.weight.abs().sum() > 0 and m.enc[0].mlp.up.weight.abs().sum() > 0
