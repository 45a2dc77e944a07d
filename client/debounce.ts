/**
 * The typing debounce of inline suggestions (pure, unit-tested; client/inline.ts uses it).
 * Resolves true after `ms`, or false as soon as `onCancel` fires (the user kept typing), so a
 * request dropped during the debounce never reaches the server.
 */
export function debounce(ms: number, onCancel: (cb: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    if (ms <= 0) { resolve(true); return; }
    const timer = setTimeout(() => resolve(true), ms);
    onCancel(() => { clearTimeout(timer); resolve(false); });
  });
}
