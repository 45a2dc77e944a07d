"""Reading the paper's released checkpoints (github.com/jdeschena/pgm, branch `text_pretrain`).

Their format, learnt from the official trainer (trainer_base.py) and EMA code (models/ema.py):
a PyTorch Lightning checkpoint, a pickled dict with
  state_dict        {"backbone.<PartitionDIT parameter or buffer>": tensor, ...} (raw weights)
  ema               {"decay", "num_updates", "shadow_params": [tensor, ...]}: the EMA weights,
                    one per trainable parameter of the backbone in `parameters()` order
  hyper_parameters  the Hydra/OmegaConf run config and the transformers tokenizer (pickled objects)
The official evaluation swaps the EMA weights in, so we prefer them.

The pickle names classes from lightning, omegaconf and transformers. We read it with a
restricted unpickler: tensors and plain containers load as usual, every other class becomes an
inert placeholder, so neither those packages nor any code from the file is needed or run.
"""
from __future__ import annotations

import pickle
import re
import types
from pathlib import Path

import torch

from training.official_model import QUERY_MODES, OfficialConfig

PREFIX = "backbone."
BUFFERS = ("rotary_emb.inv_freq",)  # persistent buffers: in state_dict, not in parameters()
SAFE = {("collections", "OrderedDict"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
        ("torch", "Size"), ("torch", "device"), ("torch._utils", "_rebuild_tensor_v2"),
        ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state")}


class OfficialFormatError(ValueError):
    pass


class Placeholder:
    """Stands in for any class the checkpoint names that we do not trust or need."""

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs, self.state, self.items = args, kwargs, None, []

    def __setstate__(self, state):
        self.state = state

    def __setitem__(self, k, v):
        self.items.append((k, v))

    def append(self, v):
        self.items.append(v)

    def extend(self, vs):
        self.items.extend(vs)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in SAFE or (module == "torch" and (name.endswith("Storage") or isinstance(getattr(torch, name, None), torch.dtype))):
            return super().find_class(module, name)
        return type(name, (Placeholder,), {"__module__": "placeholder." + module})


_pickle = types.ModuleType("official_pickle")
_pickle.Unpickler = _Unpickler
_pickle.load = lambda f, **kw: _Unpickler(f, **kw).load()
_pickle.__name__ = "official_pickle"


def read_checkpoint(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise OfficialFormatError(f"checkpoint not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False, pickle_module=_pickle)
    except Exception as e:
        raise OfficialFormatError(f"{path} is not a readable PyTorch checkpoint ({type(e).__name__}: {e})") from e
    if not isinstance(obj, dict):
        raise OfficialFormatError(f"{path} holds a {type(obj).__name__}, not a checkpoint dict")
    return obj


def backbone_state(ckpt: dict, use_ema: bool = True) -> tuple[dict, str]:
    """The PartitionDIT state dict (no prefix) and which weights it is ('ema' or 'raw')."""
    sd = ckpt.get("state_dict", ckpt)
    if not isinstance(sd, dict) or not all(isinstance(v, torch.Tensor) for v in sd.values()):
        raise OfficialFormatError(f"no state_dict of tensors; top-level keys: {sorted(map(str, ckpt))[:20]}")
    if any(k.startswith(PREFIX) for k in sd):
        sd = {k[len(PREFIX):]: v for k, v in sd.items() if k.startswith(PREFIX)}
    ema = ckpt.get("ema")
    if not use_ema or not isinstance(ema, dict) or "shadow_params" not in ema:
        return dict(sd), "raw"
    names = [k for k in sd if k not in BUFFERS]
    shadow = list(ema["shadow_params"])
    # the official EMA also tracks the noise schedule's parameters after the backbone's (none for
    # the log-linear schedule); anything beyond the backbone is ignored
    if len(shadow) < len(names):
        raise OfficialFormatError(f"ema has {len(shadow)} shadow params but the backbone has {len(names)} parameters")
    out = dict(sd)
    for name, t in zip(names, shadow):
        if tuple(t.shape) != tuple(sd[name].shape):
            raise OfficialFormatError(f"ema shadow param for {name} has shape {tuple(t.shape)}, weights have {tuple(sd[name].shape)}")
        out[name] = t
    return out, "ema"


def _count(sd: dict, pattern: str) -> int:
    idx = {int(m.group(1)) for k in sd if (m := re.match(pattern, k))}
    return max(idx) + 1 if idx else 0


def expected_keys(cfg: OfficialConfig) -> set[str]:
    block = ["norm1.weight", "attn_qkv.weight", "attn_out.weight", "norm2.weight", "mlp.0.weight", "mlp.0.bias",
             "mlp.2.weight", "mlp.2.bias", "adaLN_modulation.weight", "adaLN_modulation.bias"]
    cross = ["q_norm1.weight", "kv_norm1.weight", "norm2.weight", "attn_q.weight", "attn_kv.weight", "attn_out.weight",
             "mlp.0.weight", "mlp.0.bias", "mlp.2.weight", "mlp.2.bias", "adaLN_modulation.weight", "adaLN_modulation.bias"]
    qp = ["query_processor.0", "query_processor.2"] if cfg.query_mlp else ["query_processor"]
    swap = ["base_embedding", "pre_query_norm.weight", "pre_query_norm.bias"] + \
        [f"{n}.{w}" for n in qp + ["hidden_to_key_value", "output_linear"] for w in ("weight", "bias")]
    keys = {"vocab_embed.embedding", "sigma_map.mlp.0.weight", "sigma_map.mlp.0.bias", "sigma_map.mlp.2.weight",
            "sigma_map.mlp.2.bias", "output_layer.norm_final.weight", "output_layer.linear.weight",
            "output_layer.linear.bias", "output_layer.adaLN_modulation.weight", "output_layer.adaLN_modulation.bias"}
    keys |= {f"encoder.blocks.{i}.{k}" for i in range(cfg.n_enc) for k in block}
    keys |= {f"decoder.layers.{i}.{k}" for i in range(cfg.n_dec) for k in cross}
    return keys | {f"decoder.group_swap.{k}" for k in swap}


def _layout_error(expected: set[str], found: set[str]) -> OfficialFormatError:
    missing, extra = sorted(expected - found), sorted(found - expected)
    show = lambda ks: ", ".join(ks[:12]) + (f" ... (+{len(ks) - 12})" if len(ks) > 12 else "")  # noqa: E731
    return OfficialFormatError(
        "not the PGM text layout (PartitionDIT, text_pretrain branch): "
        f"expected keys missing: [{show(missing)}]; found unexpected keys: [{show(extra)}]")


def detect_config(sd: dict, canvas: int, n_heads: int | None, query_mode: str) -> OfficialConfig:
    """Block counts, widths and vocabulary from tensor shapes. Heads, canvas and the GroupSwap
    query mode leave no trace in the shapes: they come from the arguments (defaults = the
    released models: head size 64, canvas 1024, `learn+freqs`)."""
    found = set(sd) - set(BUFFERS)
    needed = {"vocab_embed.embedding", "sigma_map.mlp.0.weight", "sigma_map.mlp.2.weight", "encoder.blocks.0.mlp.0.weight"}
    if not needed <= found:
        raise _layout_error(needed, found)
    vocab, d = sd["vocab_embed.embedding"].shape
    if query_mode not in QUERY_MODES:
        raise OfficialFormatError(f"query mode must be one of {QUERY_MODES}, got {query_mode!r}")
    cfg = OfficialConfig(
        vocab_size=int(vocab), canvas=canvas, d_model=int(d), n_heads=n_heads or max(1, int(d) // 64),
        n_enc=_count(sd, r"encoder\.blocks\.(\d+)\."), n_dec=_count(sd, r"decoder\.layers\.(\d+)\."),
        d_ff=int(sd["encoder.blocks.0.mlp.0.weight"].shape[0]), cond_dim=int(sd["sigma_map.mlp.2.weight"].shape[0]),
        freq_dim=int(sd["sigma_map.mlp.0.weight"].shape[1]), query_mode=query_mode,
        query_mlp="decoder.group_swap.query_processor.0.weight" in sd)
    expected = expected_keys(cfg)
    if expected != found:
        raise _layout_error(expected, found)
    return cfg
