#!/usr/bin/env bash
# Train the shipped model config at GPU scale with the same training code (training/train.py).
# Used on a lent GPU machine (see docs/training.md): reads the token streams from CARRY
# (train.bin.xz, val.bin, meta.json), trains for MINUTES, and writes the EMA weights (fp16,
# shipped format, split into <16 MB parts) plus the JSONL log to OUT_DIR.
#   CARRY=.carry OUT_DIR=$OUT MINUTES=8 bash training/device_train.sh
# Re-assemble here with: cat OUT_DIR/weights.pt.part-* > weights.pt
set -euo pipefail
CARRY=${CARRY:-.carry}
OUT_DIR=${OUT_DIR:-${OUT:-out}}
MINUTES=${MINUTES:-8}
BATCH=${BATCH:-512}
LR=${LR:-2e-3}
PY=${PY:-python3}
WORK=${WORK:-/tmp/pgm-device}
export PYTHONUNBUFFERED=1 TQDM_DISABLE=1
mkdir -p "$WORK/data" "$OUT_DIR"
t0=$(date +%s)
"$PY" -c "import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], 'wb'), 1 << 24)" \
  "$CARRY/train.bin.xz" "$WORK/data/train.bin"
cp "$CARRY/val.bin" "$CARRY/meta.json" "$WORK/data/"
echo "data ready in $(( $(date +%s) - t0 ))s: $(du -h "$WORK/data/train.bin" | cut -f1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
NGPU=$("$PY" -c "import torch; print(max(1, torch.cuda.device_count()))")
LAUNCH=("$PY")
[ "$NGPU" -gt 1 ] && LAUNCH=("$PY" -m torch.distributed.run --standalone --nproc_per_node "$NGPU")
"${LAUNCH[@]}" -m training.train --config training/configs/pgm-code.json --out "$WORK/run" \
  --set train.data="\"$WORK/data\"" --set train.batch_size="$BATCH" --set train.lr="$LR" \
  --set train.warmup_steps=300 --set train.max_minutes="$MINUTES" --set train.log_every=50 \
  --set train.eval_every=1000 --set train.ckpt_every_minutes=3 ${EXTRA_SETS:-}
"$PY" -m training.checkpoint ship --ckpt "$WORK/run/ckpt.pt" --out "$WORK/weights.pt"
split -b 15m -d "$WORK/weights.pt" "$OUT_DIR/weights.pt.part-"
cp "$WORK/run/log.jsonl" "$WORK/run/config.json" "$OUT_DIR/"
sha256sum "$WORK/weights.pt" | tee "$OUT_DIR/weights.sha256"
echo "done in $(( $(date +%s) - t0 ))s"
