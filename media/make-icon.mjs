// Draws media/icon.png (128x128): a row of code-like cells being filled in any order, shaded by
// confidence. Run `node media/make-icon.mjs`; no dependencies (a minimal PNG encoder below).
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const SS = 4; // supersampling per axis, for smooth edges

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(rgba) {
  const raw = Buffer.alloc((N * 4 + 1) * N);
  for (let y = 0; y < N; y++) {
    raw[y * (N * 4 + 1)] = 0;
    rgba.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};

// Cells: rows of "code" with a hole being filled; alpha = confidence, 0 = not yet filled.
const rows = [
  { y: 30, cells: [[18, 46, 1], [50, 70, 1], [74, 110, 1]] },
  { y: 54, cells: [[30, 52, 1], [56, 72, 0.95], [76, 92, 0.55], [96, 110, 0]] },
  { y: 78, cells: [[30, 44, 0.8], [48, 64, 0], [68, 86, 0.35], [90, 110, 1]] },
  { y: 102, cells: [[18, 40, 1], [44, 84, 1]] },
];
const hole = (row) => row === 1 || row === 2;

function shade(x, y) {
  // Background: rounded square, vertical gradient from deep blue to violet.
  if (!inRoundRect(x, y, 4, 4, 124, 124, 22)) return [0, 0, 0, 0];
  const t = y / N;
  let c = [24 + 40 * t, 36 + 10 * t, 84 + 40 * t];
  rows.forEach((row, ri) => {
    for (const [x0, x1, conf] of row.cells) {
      if (!inRoundRect(x, y, x0, row.y - 7, x1, row.y + 7, 4)) continue;
      if (!hole(ri)) { c = [150, 170, 210]; continue; }
      if (conf === 0) {
        const edge = !inRoundRect(x, y, x0 + 2, row.y - 5, x1 - 2, row.y + 5, 3);
        if (edge) c = [255, 190, 90];
        continue;
      }
      const a = 0.35 + 0.65 * conf;
      c = c.map((v, i) => v * (1 - a) + [255, 200, 80][i] * a);
    }
  });
  return [...c, 255];
}

const img = Buffer.alloc(N * N * 4);
for (let y = 0; y < N; y++) {
  for (let x = 0; x < N; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const p = shade(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS);
        for (let i = 0; i < 3; i++) acc[i] += p[i] * p[3];
        acc[3] += p[3];
      }
    }
    const o = (y * N + x) * 4;
    const a = acc[3] / (SS * SS);
    for (let i = 0; i < 3; i++) img[o + i] = acc[3] ? Math.round(acc[i] / acc[3]) : 0;
    img[o + 3] = Math.round(a);
  }
}
writeFileSync(new URL('./icon.png', import.meta.url), png(img));
console.log('wrote media/icon.png');
