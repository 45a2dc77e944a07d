"""Muon + AdamW parameter grouping, the warmup-stable-decay schedule, exact resume with Muon."""
from types import SimpleNamespace

import pytest
import torch

from training.config import TrainConfig
from training.model import PartitionTransformer, PGMConfig
from training.optim import MuonAdamW, lr_multiplier, make_optimizer, param_groups, set_lr

CFG = PGMConfig(vocab_size=64, canvas=32, d_model=16, n_heads=2, n_enc=2, n_dec=1, d_ff=32)


def names(group):
    return {n for n, _ in group}


def test_muon_gets_exactly_the_hidden_matrices():
    m = PartitionTransformer(CFG)
    hidden, other_mat, rest = param_groups(m)
    all_names = {n for n, _ in m.named_parameters()}
    assert names(hidden) | names(other_mat) | names(rest) == all_names
    assert not (names(hidden) & names(other_mat) or names(hidden) & names(rest))
    assert all(p.dim() == 2 for _, p in hidden)
    assert "enc.0.attn.q.weight" in names(hidden) and "dec.0.mlp.down.weight" in names(hidden)
    assert "swap.attn.kv.weight" in names(hidden)
    assert "embed.weight" in names(rest) and "head.weight" in names(other_mat)
    assert {"swap.u", "enc.0.ln1.weight", "enc.0.mlp.up.bias"} <= names(rest)
    opt = make_optimizer(m, TrainConfig(optimizer="muon"))
    assert isinstance(opt, MuonAdamW)
    muon_ids = {id(p) for g in opt.muon.param_groups for p in g["params"]}
    assert muon_ids == {id(p) for _, p in hidden}
    adam_ids = {id(p) for g in opt.adamw.param_groups for p in g["params"]}
    assert adam_ids == {id(p) for _, p in other_mat + rest}


def test_adamw_keeps_v1_grouping():
    m = PartitionTransformer(CFG)
    opt = make_optimizer(m, TrainConfig(optimizer="adamw", weight_decay=0.05))
    v1_decay = [p for n, p in m.named_parameters() if p.dim() >= 2 and "embed" not in n]
    assert [id(p) for p in opt.param_groups[0]["params"]] == [id(p) for p in v1_decay]
    assert opt.param_groups[0]["weight_decay"] == 0.05 and opt.param_groups[1]["weight_decay"] == 0.0


def test_set_lr_scales_each_optimizer_from_the_config():
    m = PartitionTransformer(CFG)
    tc = TrainConfig(optimizer="muon", lr=1e-3, muon_lr=0.03)
    opt = make_optimizer(m, tc)
    set_lr(opt, 0.5, tc)
    assert {g["lr"] for g in opt.muon.param_groups} == {0.015}
    assert {g["lr"] for g in opt.adamw.param_groups} == {0.0005}


def test_wsd_schedule_warms_up_holds_then_cools_linearly_to_zero():
    tc = SimpleNamespace(warmup_steps=10, schedule="wsd", cooldown_fraction=0.2)
    assert lr_multiplier(0, 0.0, tc) == pytest.approx(0.1)
    assert lr_multiplier(9, 0.01, tc) == 1.0
    assert lr_multiplier(500, 0.5, tc) == 1.0 and lr_multiplier(790, 0.79, tc) == 1.0
    assert lr_multiplier(800, 0.8, tc) == pytest.approx(1.0)
    assert lr_multiplier(900, 0.9, tc) == pytest.approx(0.5)
    assert lr_multiplier(1000, 1.0, tc) == 0.0
    const = SimpleNamespace(warmup_steps=10, schedule="constant", cooldown_fraction=0.2)
    assert lr_multiplier(900, 0.9, const) == 1.0  # v1's schedule: no cooldown


def test_bad_optimizer_or_schedule_is_rejected():
    with pytest.raises(ValueError, match="optimizer"):
        TrainConfig(optimizer="sgd")
    with pytest.raises(ValueError, match="schedule"):
        TrainConfig(schedule="cosine")


def test_muon_state_round_trips_exactly():
    torch.manual_seed(0)
    tc = TrainConfig(optimizer="muon")
    ids = torch.randint(0, 64, (4, 32))
    groups = (torch.rand(4, 32) < 0.5).long()

    def step(model, opt):
        model(ids, groups).float().logsumexp(-1).mean().backward()
        opt.step()
        opt.zero_grad()

    a = PartitionTransformer(CFG)
    b = PartitionTransformer(CFG)
    b.load_state_dict(a.state_dict())
    oa, ob = make_optimizer(a, tc), make_optimizer(b, tc)
    for _ in range(2):
        step(a, oa)
        step(b, ob)
    c = PartitionTransformer(CFG)
    c.load_state_dict(b.state_dict())
    oc = make_optimizer(c, tc)
    oc.load_state_dict(ob.state_dict())
    step(a, oa)
    step(c, oc)
    for (n, p), (_, q) in zip(a.named_parameters(), c.named_parameters()):
        assert torch.equal(p, q), n
    with pytest.raises(ValueError, match="Muon"):
        oc.load_state_dict(make_optimizer(c, TrainConfig()).state_dict())
