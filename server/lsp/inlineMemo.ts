/**
 * Recent inline suggestions (context -> suggestion), so that the editor's common repeats answer
 * without a network call:
 *  - the same document text, cursor and settings again (backspace and retype, moving back to a
 *    position): the same suggestion;
 *  - the user typed the first characters of the shown suggestion (typed ahead): the rest of it.
 * A small LRU; entries are per document URI and settings fingerprint. Pure (no LSP types).
 */
export interface MemoEntry {
  uri: string;
  settings: string;
  text: string;
  at: number;
  items: string[];
}

export class InlineMemo {
  private entries: MemoEntry[] = [];
  hits = 0;
  typedAhead = 0;

  constructor(private readonly size = 32) {}

  /** The suggestions for this context, or null when nothing recent applies. */
  get(uri: string, settings: string, text: string, at: number): string[] | null {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const e = this.entries[i];
      if (e.uri !== uri || e.settings !== settings) continue;
      const items = e.at === at && e.text === text ? e.items : typedAhead(e, text, at);
      if (!items) continue;
      this.entries.splice(i, 1);
      this.entries.push(e);
      if (items === e.items) this.hits++;
      else this.typedAhead++;
      return items;
    }
    return null;
  }

  set(uri: string, settings: string, text: string, at: number, items: string[]): void {
    this.entries = this.entries.filter((e) => !(e.uri === uri && e.settings === settings && e.at === at && e.text === text));
    this.entries.push({ uri, settings, text, at, items });
    if (this.entries.length > this.size) this.entries.shift();
  }

  /** Drops a closed document's entries. */
  forget(uri: string): void {
    this.entries = this.entries.filter((e) => e.uri !== uri);
  }
}

/**
 * When `text` is `e.text` with the first k characters of a suggestion typed at `e.at` (and the
 * cursor after them), the rest of each suggestion that starts with them; otherwise null.
 */
function typedAhead(e: MemoEntry, text: string, at: number): string[] | null {
  const k = at - e.at;
  if (k <= 0 || text.length - e.text.length !== k) return null;
  const typed = text.slice(e.at, at);
  const rest = e.items.filter((s) => s.length > k && s.startsWith(typed)).map((s) => s.slice(k));
  if (rest.length === 0 || rest.every((s) => s.trim() === '')) return null;
  if (!text.startsWith(e.text.slice(0, e.at)) || !text.endsWith(e.text.slice(e.at))) return null;
  return rest;
}
