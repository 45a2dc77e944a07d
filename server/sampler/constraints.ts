/**
 * Token-healing constraints as allowed-id lists: the first hole token must start with the bytes
 * of the prefix token that healing moved into the hole, the last one must end with the bytes of
 * the suffix token moved in. Computed over the byte table of the vocabulary.
 */
export type TokenBytes = (id: number) => Uint8Array;

export function startsWith(bytes: Uint8Array, head: Uint8Array): boolean {
  if (bytes.length < head.length) return false;
  for (let i = 0; i < head.length; i++) if (bytes[i] !== head[i]) return false;
  return true;
}

export function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  const off = bytes.length - tail.length;
  if (off < 0) return false;
  for (let i = 0; i < tail.length; i++) if (bytes[off + i] !== tail[i]) return false;
  return true;
}

/** Ids among `candidates` whose bytes satisfy the head and/or tail constraint. */
export function constrainedIds(
  candidates: readonly number[], tokenBytes: TokenBytes,
  head: Uint8Array | null, tail: Uint8Array | null,
): number[] {
  return candidates.filter((id) => {
    const b = tokenBytes(id);
    if (b.length === 0) return false;
    return (!head || startsWith(b, head)) && (!tail || endsWith(b, tail));
  });
}

export function hasNewline(bytes: Uint8Array, from = 0): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] === 0x0a) return true;
  return false;
}
