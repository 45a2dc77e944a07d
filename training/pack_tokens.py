"""Token streams for a device call: xz-compressed, sized to the call's working-tree budget.

    python -m training.pack_tokens pack --data data/tokens --out .carry --max-mib 40
    python -m training.pack_tokens unpack --carry .carry --out /tmp/pgm-device/data

`pack` compresses train.bin in chunks of --chunk-tokens tokens, each its own xz stream (a
multi-stream .xz file that lzma reads as one), and stops before the compressed file would pass
--max-mib: the device gets the longest prefix of the stream that fits (the stream is files in
the tokenizer's order, so the prefix is whole files plus at most one cut file). val.bin and meta.json travel as they are; meta.json records how many train tokens travelled.
`unpack` restores train.bin, val.bin and meta.json and checks the token count.
"""
from __future__ import annotations

import argparse
import json
import lzma
import shutil
from pathlib import Path

import numpy as np

MIB = 1 << 20


def pack(data: Path, out: Path, max_mib: float, chunk_tokens: int = 1 << 22, preset: int = 6) -> dict:
    tokens = np.memmap(data / "train.bin", dtype=np.uint16, mode="r")
    out.mkdir(parents=True, exist_ok=True)
    budget = int(max_mib * MIB) - (data / "val.bin").stat().st_size - 4096
    if budget <= 0:
        raise ValueError(f"--max-mib {max_mib} leaves no room for train tokens after val.bin")
    used, kept = 0, 0
    with open(out / "train.bin.xz", "wb") as f:
        for start in range(0, len(tokens), chunk_tokens):
            blob = lzma.compress(tokens[start:start + chunk_tokens].tobytes(), preset=preset)
            if used + len(blob) > budget:
                break
            f.write(blob)
            used += len(blob)
            kept += min(chunk_tokens, len(tokens) - start)
    if kept == 0:
        raise ValueError(f"--max-mib {max_mib} is too small for one chunk of {chunk_tokens} tokens")
    shutil.copyfile(data / "val.bin", out / "val.bin")
    meta = json.loads((data / "meta.json").read_text())
    meta["packed"] = {"train_tokens": kept, "of_train_tokens": int(len(tokens)), "xz_bytes": used}
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return meta["packed"]


def unpack(carry: Path, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    meta = json.loads((carry / "meta.json").read_text())
    with lzma.open(carry / "train.bin.xz") as src, open(out / "train.bin", "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 24)
    n = (out / "train.bin").stat().st_size // 2
    if n != meta["packed"]["train_tokens"]:
        raise ValueError(f"unpacked {n} train tokens, meta.json says {meta['packed']['train_tokens']}")
    shutil.copyfile(carry / "val.bin", out / "val.bin")
    (out / "meta.json").write_text(json.dumps(meta, indent=2))
    return n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pack")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--max-mib", type=float, required=True)
    p.add_argument("--chunk-tokens", type=int, default=1 << 22)
    u = sub.add_parser("unpack")
    u.add_argument("--carry", type=Path, required=True)
    u.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.cmd == "pack":
        print(json.dumps(pack(a.data, a.out, a.max_mib, a.chunk_tokens)))
    else:
        print(f"{unpack(a.carry, a.out)} train tokens in {a.out}")


if __name__ == "__main__":
    main()
