#!/usr/bin/env bash
# One call on a lent GPU machine (see docs/training.md, "The device run"): unpack the carried
# token shard (appended to the shards earlier calls on this machine unpacked), train CONFIG for up
# to MINUTES more (resuming WORK/run if an earlier call on the same warm machine left a
# checkpoint), checkpoint every CKPT_MIN minutes, and write the fp16 EMA weights in parts of
# PART_SIZE (<16 MiB each) plus the log to OUT_DIR.
#   CARRY=.carry OUT_DIR=$OUT MINUTES=7 BUDGET=10 bash training/device_train.sh
# BUDGET is the whole run's training minutes: the warmup-stable-decay cooldown ends there and so
# does the run. The same command again on the same (still warm) machine continues the run:
# exactly, when it carries no new shard; with a new shard, on the longer token stream.
# Here, afterwards: training/device_release.sh reassembles, checks, evaluates and releases.
set -euo pipefail
CONFIG=${CONFIG:-training/configs/pgm-v2.json}
CARRY=${CARRY:-.carry}
OUT_DIR=${OUT_DIR:-${OUT:-out}}
MINUTES=${MINUTES:-8}
BUDGET=${BUDGET:-10}
CKPT_MIN=${CKPT_MIN:-2}
PART_SIZE=${PART_SIZE:-15m}
PY=${PY:-python3}
WORK=${WORK:-/tmp/pgm-device}
export PYTHONUNBUFFERED=1 TQDM_DISABLE=1
mkdir -p "$WORK" "$OUT_DIR"
t0=$(date +%s)
"$PY" -m training.pack_tokens unpack --carry "$CARRY" --out "$WORK/data"  # adds new shards only
echo "data ready in $(( $(date +%s) - t0 ))s: $(du -h "$WORK/data/train.bin" | cut -f1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
PREV_S=$("$PY" - "$WORK/run/log.jsonl" <<'PYEOF' 2>/dev/null || echo 0
import json, sys
walls = [r["wall_s"] for r in map(json.loads, open(sys.argv[1])) if "wall_s" in r]
print(walls[-1] if walls else 0)
PYEOF
)
STOP=$("$PY" -c "import sys; b, p, m = map(float, sys.argv[1:]); print(min(b, p / 60 + m) if b else p / 60 + m)" \
  "$BUDGET" "$PREV_S" "$MINUTES")
echo "trained $PREV_S s so far; this call stops at $STOP min of $BUDGET"
NGPU=$("$PY" -c "import torch; print(max(1, torch.cuda.device_count()))")
LAUNCH=("$PY")
[ "$NGPU" -gt 1 ] && LAUNCH=("$PY" -m torch.distributed.run --standalone --nproc_per_node "$NGPU")
# shellcheck disable=SC2086  # EXTRA_SETS is a list of --set arguments
"${LAUNCH[@]}" -m training.train --config "$CONFIG" --out "$WORK/run" --resume \
  --set train.data="\"$WORK/data\"" --set train.max_minutes="$STOP" --set train.budget_minutes="$BUDGET" \
  --set train.ckpt_every_minutes="$CKPT_MIN" ${EXTRA_SETS:-}
"$PY" -m training.checkpoint ship --ckpt "$WORK/run/ckpt.pt" --out "$WORK/weights.pt"
rm -f "$OUT_DIR"/weights.pt.part-*
split -b "$PART_SIZE" -d "$WORK/weights.pt" "$OUT_DIR/weights.pt.part-"
n_parts=$(find "$OUT_DIR" -name 'weights.pt.part-*' | wc -l)
[ "$n_parts" -le 5 ] || { echo "weights need $n_parts parts of $PART_SIZE: \$OUT brings back 8 files" >&2; exit 1; }
cp "$WORK/run/log.jsonl" "$WORK/run/config.json" "$OUT_DIR/"
(cd "$WORK" && sha256sum weights.pt) | tee "$OUT_DIR/weights.sha256"
echo "done in $(( $(date +%s) - t0 ))s"
