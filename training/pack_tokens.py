"""Token streams for device calls: xz-compressed shards, each sized to fit one call's working tree.

    python -m training.pack_tokens pack --data data/tokens --out data/carry --max-mib 11
    mkdir -p .carry && cp data/carry/val.bin data/carry/meta.json data/carry/train-000.bin.xz .carry/
    python -m training.pack_tokens unpack --carry .carry --out /tmp/pgm-device/data     # on the device

`pack` cuts train.bin into consecutive shards, each at most --max-mib together with val.bin (so
one shard + val.bin + meta.json travel in one call). A shard is a run of --chunk-tokens chunks,
each its own xz stream (lzma reads the concatenation as one). `unpack` appends every shard in the
carry folder that is not unpacked yet to OUT/train.bin (in shard order), so a second call on the
same warm machine that carries the next shard trains on both; it checks each shard's token count.
"""
from __future__ import annotations

import argparse
import json
import lzma
import shutil
from pathlib import Path

import numpy as np

MIB = 1 << 20


def pack(data: Path, out: Path, max_mib: float, chunk_tokens: int = 1 << 22, max_shards: int = 0,
         preset: int = 6) -> dict:
    tokens = np.memmap(data / "train.bin", dtype=np.uint16, mode="r")
    out.mkdir(parents=True, exist_ok=True)
    budget = int(max_mib * MIB) - (data / "val.bin").stat().st_size - 16384  # meta.json, slack
    if budget <= 0:
        raise ValueError(f"--max-mib {max_mib} leaves no room for train tokens after val.bin")
    shards, f, used = [], None, 0
    for start in range(0, len(tokens), chunk_tokens):
        blob = lzma.compress(tokens[start:start + chunk_tokens].tobytes(), preset=preset)
        if len(blob) > budget:
            raise ValueError(f"one chunk of {chunk_tokens} tokens compresses to {len(blob)} bytes > the budget")
        if f is None or used + len(blob) > budget:
            if f is not None:
                f.close()
            if max_shards and len(shards) == max_shards:
                f = None
                break
            name = f"train-{len(shards):03d}.bin.xz"
            f, used = open(out / name, "wb"), 0
            shards.append({"file": name, "tokens": 0, "xz_bytes": 0})
        f.write(blob)
        used += len(blob)
        shards[-1]["tokens"] += min(chunk_tokens, len(tokens) - start)
        shards[-1]["xz_bytes"] = used
    if f is not None:
        f.close()
    shutil.copyfile(data / "val.bin", out / "val.bin")
    meta = json.loads((data / "meta.json").read_text())
    meta["packed"] = {"shards": shards, "of_train_tokens": int(len(tokens)), "max_mib": max_mib}
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta["packed"]


def unpack(carry: Path, out: Path) -> int:
    """Append the carried shards not unpacked yet; returns the train tokens now in OUT."""
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((carry / "meta.json").read_text())
    expected = {s["file"]: s["tokens"] for s in meta["packed"]["shards"]}
    done_path = out / "shards.json"
    done = json.loads(done_path.read_text()) if done_path.exists() else []
    for shard in sorted(carry.glob("train-*.bin.xz")):
        if shard.name in done:
            continue
        if shard.name not in expected:
            raise ValueError(f"{shard} is not listed in {carry / 'meta.json'}")
        before = (out / "train.bin").stat().st_size if (out / "train.bin").exists() else 0
        with lzma.open(shard) as src, open(out / "train.bin", "ab") as dst:
            shutil.copyfileobj(src, dst, 1 << 24)
        got = ((out / "train.bin").stat().st_size - before) // 2
        if got != expected[shard.name]:
            raise ValueError(f"{shard} held {got} tokens, meta.json says {expected[shard.name]}")
        done.append(shard.name)
        done_path.write_text(json.dumps(done))
    if not done:
        raise ValueError(f"no train-*.bin.xz shard in {carry}")
    shutil.copyfile(carry / "val.bin", out / "val.bin")
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return (out / "train.bin").stat().st_size // 2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--max-mib", type=float, required=True, help="one shard + val.bin, per call")
    p.add_argument("--chunk-tokens", type=int, default=1 << 22)
    p.add_argument("--max-shards", type=int, default=0, help="stop after this many (0 = all)")
    u = sub.add_parser("unpack")
    u.add_argument("--carry", type=Path, required=True)
    u.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.cmd == "pack":
        print(json.dumps(pack(a.data, a.out, a.max_mib, a.chunk_tokens, a.max_shards)))
    else:
        print(f"{unpack(a.carry, a.out)} train tokens in {a.out}")


if __name__ == "__main__":
    main()
