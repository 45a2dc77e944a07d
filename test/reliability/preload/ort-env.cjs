// Preload (node --require): when onnxruntime-node is first required, appends the value of
// ORT_DISABLE_TELEMETRY at that moment (null when unset) to $PGM_ORT_ENV_LOG as a JSON line.
'use strict';
const Module = require('node:module');
const fs = require('node:fs');

const load = Module._load;
let seen = false;
Module._load = function (request, ...rest) {
  if (!seen && /^onnxruntime-node(\/|$)/.test(request)) {
    seen = true;
    fs.appendFileSync(process.env.PGM_ORT_ENV_LOG, JSON.stringify({ ORT_DISABLE_TELEMETRY: process.env.ORT_DISABLE_TELEMETRY ?? null }) + '\n');
  }
  return load.call(this, request, ...rest);
};
