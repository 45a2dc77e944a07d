// Fault injection for test/reliability (loaded with `node --require` in front of dist/server.js):
// while the file named by PGM_FAULT_ORT_RUN exists, every onnxruntime session.run() throws, as a
// native failure in the middle of a fill would. Removing the file is "fixing the cause".
'use strict';
const fs = require('node:fs');
const Module = require('node:module');

const trigger = process.env.PGM_FAULT_ORT_RUN;
const load = Module._load;
let patched = false;
Module._load = function (request, ...rest) {
  const m = load.call(this, request, ...rest);
  if (request === 'onnxruntime-node' && !patched && trigger) {
    patched = true;
    const proto = m.InferenceSession.prototype;
    const run = proto.run;
    proto.run = function (...args) {
      if (fs.existsSync(trigger)) return Promise.reject(new Error('injected fault: onnxruntime run failed (test/reliability)'));
      return run.apply(this, args);
    };
  }
  return m;
};
