/**
 * The byte <-> character table of byte-level BPE (GPT-2 style): every byte is shown as one
 * printable character in the vocabulary, so a token string maps back to exact bytes. We need
 * the bytes (not decoded text) for token healing and for fills that split a UTF-8 character.
 */
let charToByte: Map<string, number> | null = null;

function buildTable(): Map<string, number> {
  const printable: number[] = [];
  const add = (a: number, b: number) => { for (let i = a; i <= b; i++) printable.push(i); };
  add(0x21, 0x7e);
  add(0xa1, 0xac);
  add(0xae, 0xff);
  const table = new Map<string, number>();
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const code = printable.includes(b) ? b : 256 + extra++;
    table.set(String.fromCodePoint(code), b);
  }
  return table;
}

/** Bytes of a byte-level token string; null when a character is not in the table. */
export function byteLevelToBytes(token: string): Uint8Array | null {
  charToByte ??= buildTable();
  const out: number[] = [];
  for (const ch of token) {
    const b = charToByte.get(ch);
    if (b === undefined) return null;
    out.push(b);
  }
  return Uint8Array.from(out);
}
