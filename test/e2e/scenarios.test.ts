/**
 * End-to-end scenarios in a real VS Code (code-server + Chromium): the packaged VSIX is installed,
 * the workbench is driven like a user would, and results are read from disk after saving.
 * The packaged model fills the holes; the tests check mechanics (what changed, where, how many
 * steps, recovery), not quality (that is measured in docs/benchmarks.md).
 * Every scenario sets up what it needs (its own file, its own fill, its settings undone at the
 * end), so none depends on what another left behind.
 * Screenshots of every scenario go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { after, before, describe } from 'node:test';
import { serverPids as serverPidsOf, type CodeServer } from './codeServer';
import { FILES, USER_SETTINGS } from './fixtures';
import { closeSession, fillAndSave as fillAndSaveIn, openSession, READY, scenarioOf, type Session } from './session';
import type { Workbench } from './workbench';

let session: Session | undefined;
let cs: CodeServer;
let wb: Workbench;

function fileText(name: string): string { return readFileSync(join(cs.workspace, name), 'utf8'); }

/** Offset of 1-based line:column in text. */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split('\n');
  return lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
}

function serverPids(): number[] {
  return serverPidsOf(cs);
}

/** Waits until a server process other than `old` runs (the extension restarted it). */
async function waitNewServer(old: number, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const fresh = serverPids().filter((p) => p !== old);
    if (fresh.length > 0) return fresh[0];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no new server process within ${timeoutMs} ms`);
}

async function selectToLineEnd(line: number, column: number): Promise<void> {
  await wb.gotoLine(line, column);
  await wb.page.keyboard.press('Shift+End');
}

const fillAndSave = (): Promise<string> => fillAndSaveIn(wb);

/** A scenario that leaves a screenshot behind when it fails, to see what the workbench showed. */
const scenario = scenarioOf(() => wb);

describe('PGM Infill in a real VS Code', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    session = await openSession({ userSettings: USER_SETTINGS, files: FILES }, READY);
    ({ cs, wb } = session);
  });

  after(() => closeSession(session));

  scenario('fills the selection and changes nothing outside it', '01-selection', async () => {
    const before = fileText('single.py');
    await wb.openFile('single.py');
    await selectToLineEnd(3, 12); // "width * height" in "    return width * height"
    const status = await fillAndSave();
    await wb.screenshot('01-selection');
    const afterText = fileText('single.py');
    const start = offsetOf(before, 3, 12);
    const end = offsetOf(before, 4, 1) - 1;
    assert.ok(afterText.startsWith(before.slice(0, start)), 'text before the selection changed');
    assert.ok(afterText.endsWith(before.slice(end)), 'text after the selection changed');
    assert.match(status, / of 8 steps, 1 range\b/);
  });

  scenario('fills two selections (multi-cursor) in one request', '02-two-selections', async () => {
    const before = fileText('multi.py');
    await wb.openFile('multi.py');
    await wb.gotoLine(4, 9); // after "    a = "
    await wb.runCommand('Add Cursor Below'); // line 5, after "    c = "
    await wb.page.keyboard.press('Shift+End');
    const status = await fillAndSave();
    await wb.screenshot('02-two-selections');
    const afterText = fileText('multi.py');
    const prefix = before.slice(0, offsetOf(before, 4, 9));
    const suffix = before.slice(offsetOf(before, 6, 1) - 1);
    assert.ok(afterText.startsWith(prefix), 'text before the first selection changed');
    assert.ok(afterText.endsWith(suffix), 'text after the second selection changed');
    const middle = afterText.slice(prefix.length, afterText.length - suffix.length);
    assert.ok(middle.includes('\n    c = '), 'the text between the selections changed');
    assert.match(status, /2 ranges/);
  });

  scenario('fills the placeholder holes of a document', '03-holes', async () => {
    const before = fileText('holes.py');
    await wb.openFile('holes.py');
    await wb.runCommand('PGM: Infill Placeholder Holes');
    await wb.saveAfterEdit();
    const status = await wb.waitStatus(/2 ranges/);
    await wb.screenshot('03-holes');
    const afterText = fileText('holes.py');
    assert.ok(!afterText.includes('<FILL>'), 'a marker is left');
    const [head, mid, tail] = before.split('<FILL>');
    assert.ok(afterText.startsWith(head) && afterText.endsWith(tail), 'text around the holes changed');
    assert.ok(afterText.slice(head.length, afterText.length - tail.length).includes(mid), 'text between the holes changed');
    assert.match(status, /last fill \d+ ms/);
  });

  scenario('shows the fill in the denoising view', '04-denoising-view', async () => {
    await wb.openFile('denoise.py');
    await selectToLineEnd(2, 12); // "x * x" in "    return x * x"
    await fillAndSave();
    await wb.runCommand('PGM: Show Denoising View');
    const view = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    // The view replays the latest fill (this scenario's) as soon as it is ready.
    await view.locator('#title', { hasText: 'denoise.py' }).waitFor({ timeout: 30_000 });
    await view.locator('.tok').first().waitFor();
    await wb.screenshot('04-denoising-view');
    const label = await view.locator('#stepLabel').textContent();
    // 8 steps configured: "step N/8", or "step N/N (stopped early; 8 scheduled)" when the fill ended early
    assert.match(label ?? '', /^step \d+\/(8\b|\d+ \(stopped early; 8 scheduled\))/);
  });

  scenario('offers an inline suggestion and accepts it with Tab', '05-inline', async () => {
    await wb.openFile('inline.py');
    await wb.gotoLine(2, 15); // end of "    message = "
    const ghost = wb.page.locator('.monaco-editor.focused .ghost-text-decoration, .monaco-editor.focused .ghost-text');
    let shown = '';
    let delayMs = NaN;
    for (const ch of ['f', '"', 'x']) {
      await wb.page.keyboard.type(ch);
      const typedAt = performance.now();
      try {
        await ghost.first().waitFor({ timeout: 20_000 });
        shown = ((await ghost.allTextContents()).join('')).replace(/\u00a0/g, ' ');
        delayMs = performance.now() - typedAt;
        if (shown.trim()) break;
      } catch { /* the model may have nothing to say here; type on */ }
    }
    assert.ok(shown.trim(), 'no inline suggestion appeared');
    // measured, not asserted (a shared machine): includes the pgmInfill.inline.debounceMs wait
    console.log(`e2e: last keystroke to ghost text ${delayMs.toFixed(0)} ms (inline.debounceMs ${USER_SETTINGS['pgmInfill.inline.debounceMs']} ms, load average ${loadavg()[0].toFixed(2)})`);
    await wb.screenshot('05-inline-suggestion');
    const typedLine = (await wb.page.locator('.monaco-editor.focused .view-line').nth(1).textContent() ?? '').replace(/\u00a0/g, ' ');
    await wb.page.keyboard.press('Tab');
    await ghost.first().waitFor({ state: 'detached' });
    await wb.saveAfterEdit();
    await wb.screenshot('06-inline-accepted');
    const lines = fileText('inline.py').split('\n');
    const original = FILES['inline.py'].split('\n');
    assert.equal(lines[0], original[0]);
    assert.ok(lines[1].startsWith(typedLine.replace(shown, '')), `line 2 lost its text: ${JSON.stringify(lines[1])}`);
    assert.ok(lines[1].includes(shown.split('\n')[0].trimEnd()), `accepted text missing: ${JSON.stringify(lines[1])} vs ${JSON.stringify(shown)}`);
    assert.deepEqual(lines.slice(-2), original.slice(-2));
  });

  scenario('applies a changed steps setting to the next fill', '07-steps-setting', async () => {
    // Workspace settings: VS Code watches the folder and applies the change while running.
    const settings = join(cs.workspace, '.vscode/settings.json');
    mkdirSync(join(cs.workspace, '.vscode'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'pgmInfill.steps': 3 }, null, 2));
    try {
      await wb.waitStatus(/; 3 steps configured/, 30_000);
      const before = fileText('steps.py');
      await wb.openFile('steps.py');
      await selectToLineEnd(2, 9); // "sum(values)"
      await fillAndSave();
      const status = await wb.waitStatus(/ of 3 steps/);
      await wb.screenshot('07-steps-setting');
      assert.match(status, /3 steps configured/);
      const afterText = fileText('steps.py');
      assert.ok(afterText.startsWith(before.slice(0, offsetOf(before, 2, 9))));
      assert.ok(afterText.endsWith(before.slice(offsetOf(before, 3, 1) - 1)));
    } finally {
      // the user's 8 steps again, for whatever runs next
      rmSync(settings);
      await wb.waitStatus(/; 8 steps configured/, 30_000);
    }
  });

  scenario('brings the server back after it is killed, and the next fill works', '08-restart', async () => {
    const [pid] = serverPids();
    assert.ok(pid, 'server process not found');
    process.kill(pid, 'SIGKILL');
    const fresh = await waitNewServer(pid);
    await wb.waitStatus(READY, 120_000);
    assert.deepEqual(serverPids(), [fresh], 'exactly one server runs again');
    const before = fileText('restart.py');
    await wb.openFile('restart.py');
    await selectToLineEnd(3, 18); // "x" in "        self.x = x"
    await fillAndSave();
    await wb.screenshot('08-after-restart');
    const afterText = fileText('restart.py');
    assert.ok(afterText.startsWith(before.slice(0, offsetOf(before, 3, 18))));
    assert.ok(afterText.endsWith(before.slice(offsetOf(before, 4, 1) - 1)));
  });

  scenario('survives a server killed in the middle of a fill: document untouched, next fill works', '09-kill-mid-fill', async () => {
    const before = fileText('midfill.py');
    await wb.openFile('midfill.py');
    await selectToLineEnd(4, 12); // "fib(n - 1) + fib(n - 2)"
    // Freeze the server first, so the fill is certainly in flight (not finished) when it dies.
    const [pid] = serverPids();
    process.kill(pid, 'SIGSTOP');
    await wb.runCommand('PGM: Infill Selection');
    await wb.waitStatus(/filling…/, 30_000);
    process.kill(pid, 'SIGKILL');
    await waitNewServer(pid);
    await wb.waitStatus(READY, 120_000);
    await wb.waitStatus(/^(?!.*filling…)/, 30_000);
    await wb.screenshot('09-kill-mid-fill');
    assert.equal(await wb.page.locator('.tab.active.dirty').count(), 0, 'the document was edited by a killed fill');
    assert.equal(fileText('midfill.py'), before);
    // The next fill works.
    await selectToLineEnd(4, 12);
    await fillAndSave();
    const afterText = fileText('midfill.py');
    assert.ok(afterText.startsWith(before.slice(0, offsetOf(before, 4, 12))));
    assert.ok(afterText.endsWith(before.slice(offsetOf(before, 5, 1) - 1)));
  });

  scenario('a cancelled fill says "cancelled" within a second and changes nothing', '10-cancel', async () => {
    const before = fileText('cancel.py');
    await wb.openFile('cancel.py');
    await selectToLineEnd(2, 12); // "max(lo, min(x, hi))"
    // Freeze the server so the fill is certainly in flight: the cancel must not wait for it.
    const [pid] = serverPids();
    process.kill(pid, 'SIGSTOP');
    try {
      await wb.runCommand('PGM: Infill Selection');
      await wb.waitStatus(/filling…/, 30_000);
      const cancel = wb.page.locator('.notification-toast', { hasText: 'PGM: filling' }).getByRole('button', { name: 'Cancel' });
      await cancel.click();
      const t0 = Date.now();
      const status = await wb.waitStatus(/last fill cancelled/, 5_000);
      const settledMs = Date.now() - t0;
      await wb.screenshot('10-cancelled');
      assert.ok(settledMs < 1500, `the cancel took ${settledMs} ms to show`);
      assert.doesNotMatch(status, /filling…/);
      assert.match(await wb.statusText(), /cancelled/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    assert.equal(await wb.page.locator('.tab.active.dirty').count(), 0, 'a cancelled fill edited the document');
    assert.equal(fileText('cancel.py'), before);
  });

  scenario('highlights a placeholder marker and fills it from its CodeLens', '11-marker-codelens', async () => {
    const before = fileText('lens.py');
    await wb.openFile('lens.py');
    const lens = wb.page.locator('.monaco-editor.focused .codelens-decoration a', { hasText: 'Fill' });
    await lens.first().waitFor({ timeout: 30_000 });
    // The marker's decoration: an extension decoration type on the marker's line.
    const marked = wb.page.locator('.monaco-editor.focused .view-overlays [class*="TextEditorDecorationType"]');
    await marked.first().waitFor({ timeout: 10_000 });
    await wb.screenshot('11-marker-codelens');
    assert.equal(await lens.count(), 1, 'one CodeLens per marker');
    await lens.first().click();
    await wb.saveAfterEdit();
    await wb.waitStatus(/last fill \d+ ms, \d+ of \d+ steps, 1 range\b/);
    await wb.screenshot('11-marker-filled');
    const afterText = fileText('lens.py');
    const [head, tail] = before.split('<FILL>');
    assert.ok(!afterText.includes('<FILL>'), 'the marker is left');
    assert.ok(afterText.startsWith(head) && afterText.endsWith(tail), 'text around the hole changed');
    await lens.first().waitFor({ state: 'detached', timeout: 10_000 });
  });
});
