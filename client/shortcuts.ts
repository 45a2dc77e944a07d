/** Default shortcuts of our commands, as menus show them. Pure, unit-tested. */

/** A package.json keybinding entry (the defaults; the user may have rebound them). */
export interface KeybindingEntry { command?: string; key?: string; mac?: string }

/** "ctrl+alt+enter" -> "Ctrl+Alt+Enter", the way VS Code writes shortcuts in menus. */
export function shortcutLabel(key: string): string {
  return key.split(' ').map((chord) => chord.split('+')
    .map((k) => (k === 'cmd' ? 'Cmd' : k.length === 1 ? k.toUpperCase() : k[0].toUpperCase() + k.slice(1)))
    .join('+')).join(' ');
}

/** Default shortcut per command, from the extension's own package.json (declared once there). */
export function shortcuts(entries: readonly KeybindingEntry[], platform: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const key = platform === 'darwin' ? e.mac ?? e.key : e.key;
    if (e.command && key && !out.has(e.command)) out.set(e.command, shortcutLabel(key));
  }
  return out;
}
