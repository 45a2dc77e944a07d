// Network monitor for test/reliability (loaded with `node --require` in front of dist/server.js):
// every attempt to open a network connection or resolve a name is appended to the file named by
// PGM_NET_LOG and refused. Native code (onnxruntime) is covered separately by the /proc socket scan.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const dns = require('node:dns');
const dgram = require('node:dgram');

const logFile = process.env.PGM_NET_LOG;
function record(what) {
  if (logFile) fs.appendFileSync(logFile, `${what}\n`);
  return new Error(`network access refused by test/reliability monitor: ${what}`);
}
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const o = args[0];
  // Local IPC (a path) is how editors talk to the server; anything with a port is network.
  if (o && typeof o === 'object' && typeof o.path === 'string' && o.port === undefined) return connect.apply(this, args);
  if (typeof o === 'string' && isNaN(Number(o))) return connect.apply(this, args);
  throw record(`net.Socket.connect ${JSON.stringify(args[0])}`);
};
for (const f of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
  dns[f] = function (...args) { throw record(`dns.${f} ${String(args[0])}`); };
}
dgram.createSocket = function (...args) { throw record(`dgram.createSocket ${JSON.stringify(args[0])}`); };
if (typeof globalThis.fetch === 'function') {
  globalThis.fetch = async (input) => { throw record(`fetch ${String(input)}`); };
}
