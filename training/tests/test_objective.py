"""Partitions, infill layout and loss weights."""
import math

import torch

from training.model import PartitionTransformer, PGMConfig
from training.objective import (
    ObjectiveConfig,
    infill_layout,
    make_batch,
    mask_in_hole,
    nelbo_nats_per_token,
    random_partition,
    weighted_loss,
)

GAP = 1


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_random_partition_weights_follow_elbo_and_groups_nonempty():
    g, w = random_partition(64, 32, 0.02, gen(), "cpu")
    assert ((g.sum(1) > 0) & (g.sum(1) < 32)).all()
    for i in range(64):
        w1 = w[i][g[i] == 1].unique()
        w0 = w[i][g[i] == 0].unique()
        assert len(w1) == 1 and len(w0) == 1
        t = 1.0 / (w1.item() * 64)  # w1 = 1 / (t * 2L)
        assert 0.02 - 1e-6 <= t <= 0.98 + 1e-6
        assert math.isclose(w0.item(), 1.0 / ((1 - t) * 64), rel_tol=1e-4)


def test_infill_layout_left_aligns_middle_and_shifts_suffix():
    stream = torch.arange(1000)
    off, M, m, a = torch.tensor([100]), torch.tensor([5]), torch.tensor([2]), torch.tensor([4])
    src, gap, hole = infill_layout(off, M, m, a, 12)
    ids = stream[src].masked_fill(gap, -1)[0].tolist()
    # prefix 100..103, middle 104 105, three gaps, then the suffix continues at 106
    assert ids == [100, 101, 102, 103, 104, 105, -1, -1, -1, 106, 107, 108]
    assert hole[0].tolist() == [False] * 4 + [True] * 5 + [False] * 3


def test_mask_in_hole_only_inside_hole_and_weights_average():
    hole = torch.zeros(3, 20, dtype=torch.bool)
    hole[:, 5:13] = True
    g, w = mask_in_hole(hole, torch.tensor([8, 8, 8]), gen(1))
    assert (g[:, :5] == 0).all() and (g[:, 13:] == 0).all()
    assert ((g.sum(1) >= 1) & (g.sum(1) <= 8)).all()
    assert torch.allclose(w.sum(1), torch.ones(3))  # mean NLL over masked hole tokens


def test_make_batch_shapes_and_gap_tokens_only_in_infill_rows():
    stream = torch.randint(3, 50, (5000,))
    cfg = ObjectiveConfig(infill_fraction=0.5, max_capacity=16)
    ids, g, w = make_batch(stream, 8, 32, cfg, GAP, gen(2))
    assert ids.shape == g.shape == w.shape == (8, 32)
    assert not (ids[:4] == GAP).any()
    assert (w >= 0).all() and (w[g == 1] > 0).all()


def test_loss_is_finite_for_extreme_partitions():
    torch.manual_seed(0)
    m = PartitionTransformer(PGMConfig(vocab_size=50, canvas=32, d_model=16, n_heads=2, n_enc=1, n_dec=1, d_ff=32))
    ids = torch.randint(0, 50, (2, 32))
    for groups in (torch.zeros_like(ids), torch.ones_like(ids)):
        w = torch.full((2, 32), 1.0 / 64)
        loss = weighted_loss(m(ids, groups), ids, w)
        assert torch.isfinite(loss)
    assert torch.isfinite(nelbo_nats_per_token(m, ids))


def test_log_uniform_length_prior_keeps_lengths_short_and_independent_of_capacity():
    from training.objective import sample_holes
    M, m, a = sample_holes(20000, 256, 96, gen(3), "cpu", "log-uniform")
    assert ((m >= 0) & (m <= M) & (M >= 1) & (M <= 96) & (a + M <= 256)).all()
    big = M > 64
    # median length about sqrt(97) - 1 overall, and not driven up by large capacities
    assert 4 <= m.float().median() <= 14
    assert m[big].float().median() < 20
    Mu, mu, _ = sample_holes(20000, 256, 96, gen(3), "cpu", "uniform")
    assert mu[Mu > 64].float().median() > 30  # the old prior: half the capacity


def test_unknown_length_prior_is_rejected():
    import pytest
    with pytest.raises(ValueError, match="length_prior"):
        ObjectiveConfig(length_prior="zipf")
