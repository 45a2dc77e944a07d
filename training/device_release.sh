#!/usr/bin/env bash
# Here, after training/device_train.sh ran on a lent GPU: reassemble the weights it brought back
# (FROM holds weights.pt.part-*, weights.sha256, log.jsonl, config.json), check the checksum,
# evaluate (training/evaluate.py; EVAL_ARGS adds options) and release to MODEL_OUT.
#   FROM=/work/.device/... MODEL_OUT=models/pgm-code-v2 bash training/device_release.sh
# Ship it as the default only if it beats the current model (docs/training.md, "The device run").
set -euo pipefail
FROM=${FROM:?set FROM to the folder the device call brought back}
MODEL_OUT=${MODEL_OUT:?set MODEL_OUT, e.g. models/pgm-code-v2}
RUN=${RUN:-runs/device}
PY=${PY:-.venv/bin/python}
TOKENIZER=${TOKENIZER:-models/pgm-code/tokenizer.json}
DATA=${DATA:-data/tokens}
FILES=${FILES:-data/corpus/val.jsonl data/heldout/val.jsonl}
CORPUS=${CORPUS:-data/corpus/manifest.json}
COMPUTE=${COMPUTE:-1x H200}
mkdir -p "$RUN"
cat "$FROM"/weights.pt.part-* > "$RUN/weights.pt"
cp "$FROM/weights.sha256" "$FROM/log.jsonl" "$FROM/config.json" "$RUN/"
(cd "$RUN" && sha256sum -c weights.sha256)
# shellcheck disable=SC2086  # FILES and EVAL_ARGS are lists
"$PY" -m training.evaluate --ckpt "$RUN/weights.pt" --tokenizer "$TOKENIZER" --data "$DATA" \
  --files $FILES --out "$RUN/eval.json" ${EVAL_ARGS:-}
"$PY" -m training.release --weights "$RUN/weights.pt" --eval "$RUN/eval.json" --tokenizer "$TOKENIZER" \
  --corpus "$CORPUS" --out "$MODEL_OUT" --compute "$COMPUTE"
