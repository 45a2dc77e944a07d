/**
 * Fills a user can trust (issue 9), end to end in a real VS Code on real files: Python's
 * textwrap.py and json/encoder.py, and index.js of the npm `ms` package (the copy npm installed,
 * pinned by package-lock.json). The selections are the ones the issue reports. Every scenario
 * works on its own copy of a file, so none depends on another. The measured lengths (selection
 * vs fill, tokens vs capacity from the PGM log) are printed and kept in
 * test-artifacts/e2e/trust-measurements.json.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { ROOT, type CodeServer } from './codeServer';
import { USER_SETTINGS } from './fixtures';
import { closeSession, fillAndSave as fillAndSaveIn, openSession, READY, scenarioOf, type Session } from './session';
import type { Workbench } from './workbench';
const ARTIFACTS = join(ROOT, 'test-artifacts/e2e');

function pythonLib(rel: string): string {
  const dir = readdirSync('/usr/lib').filter((d) => /^python3\.\d+$/.test(d)).sort().find((d) => existsSync(join('/usr/lib', d, rel)));
  assert.ok(dir, `/usr/lib/python3.*/${rel} not found`);
  return readFileSync(join('/usr/lib', dir, rel), 'utf8');
}

const TEXTWRAP = pythonLib('textwrap.py');
const ENCODER = pythonLib('json/encoder.py');
const MS = readFileSync(join(ROOT, 'node_modules/ms/index.js'), 'utf8');

/** One copy per scenario: scenarios never share a file. */
const FILES: Record<string, string> = {
  'tw_expandtabs.py': TEXTWRAP,
  'tw_fill.py': TEXTWRAP,
  'tw_big_cancel.py': TEXTWRAP,
  'tw_big_cap.py': TEXTWRAP,
  'tw_big_parts.py': TEXTWRAP,
  'encoder_cursor.py': ENCODER,
  'encoder_low.py': ENCODER,
  'encoder_alt_esc.py': ENCODER,
  'ms_alternatives.js': MS,
};

const SETTINGS: Record<string, unknown> = {
  ...USER_SETTINGS,
  'pgmInfill.capacity': 64,
  'pgmInfill.inline.enabled': false, // explicit fills only: no ghost text racing the selections
};
// The calibrated gate, not the mechanics suites' open one: the low-confidence scenario raises it
// with a workspace setting, and a user setting far below would win until VS Code reads that file.
delete SETTINGS['pgmInfill.confidenceThreshold'];

let session: Session | undefined;
let cs: CodeServer;
let wb: Workbench;
const measured: Record<string, unknown>[] = [];

function fileText(name: string): string { return readFileSync(join(cs.workspace, name), 'utf8'); }

/** 1-based line and column of the n-th occurrence of `snippet`. */
function locate(text: string, snippet: string, nth = 0): { line: number; column: number; offset: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(snippet, offset + 1);
  assert.ok(offset >= 0, `snippet not found: ${snippet}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1, offset };
}

/** Selects `snippet` (one line) with the keyboard, as a user would, and waits for VS Code to show it. */
async function selectSnippet(text: string, snippet: string): Promise<{ start: number; end: number }> {
  const at = locate(text, snippet);
  await wb.gotoLine(at.line, at.column);
  for (let i = 0; i < snippet.length; i++) await wb.page.keyboard.press('Shift+ArrowRight');
  await wb.page.locator(`.statusbar [aria-label*="(${snippet.length} selected)"]`).first().waitFor();
  return { start: at.offset, end: at.offset + snippet.length };
}

/** Selects whole lines [first, first + count) from column 1 to the start of the next line. */
async function selectLines(text: string, first: number, count: number): Promise<{ start: number; end: number }> {
  await wb.gotoLine(first, 1);
  for (let i = 0; i < count; i++) await wb.page.keyboard.press('Shift+ArrowDown');
  const lines = text.split('\n');
  const start = lines.slice(0, first - 1).reduce((n, l) => n + l.length + 1, 0);
  const end = start + lines.slice(first - 1, first - 1 + count).reduce((n, l) => n + l.length + 1, 0);
  await wb.page.locator(`.statusbar [aria-label*="(${end - start} selected)"]`).first().waitFor();
  return { start, end };
}

/** The text that replaced [start, end) of `before`, after checking nothing else changed. */
function fillOf(before: string, afterText: string, r: { start: number; end: number }): string {
  const prefix = before.slice(0, r.start);
  const suffix = before.slice(r.end);
  assert.ok(afterText.startsWith(prefix), 'text before the selection changed');
  assert.ok(afterText.endsWith(suffix), 'text after the selection changed');
  assert.ok(afterText.length >= prefix.length + suffix.length, 'the fill overlaps the surrounding text');
  return afterText.slice(prefix.length, afterText.length - suffix.length);
}

/** The newest "fill applied" line of the PGM log: tokens and capacity per range, scores. */
function lastFillLog(): { tokens: number[]; capacity: number[]; line: string } {
  const logs: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/PGM Infill\.log$/.test(e)) logs.push(p);
    }
  };
  walk(join(cs.userDataDir, 'logs'));
  const lines = logs.flatMap((p) => readFileSync(p, 'utf8').split('\n')).filter((l) => /fill applied:/.test(l));
  assert.ok(lines.length > 0, `no "fill applied" line in the PGM log (${logs.join(', ') || 'no log file'})`);
  const line = lines[lines.length - 1];
  const nums = (re: RegExp): number[] => (line.match(re)?.[1] ?? '').split(',').filter((x) => x.trim()).map(Number);
  return { tokens: nums(/tokens \[([^\]]*)\]/), capacity: nums(/capacity \[([^\]]*)\]/), line };
}

/** Waits until an editor decoration (rendered as CSS ::after content) shows text matching `re`. */
async function waitDecoration(re: RegExp, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < until) {
    // A string function: it runs in the browser, and this project's TypeScript has no DOM types.
    seen = await wb.page.evaluate(`Array.from(document.querySelectorAll('.monaco-editor .view-line span'))
      .map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal')`) as string[];
    const hit = seen.find((c) => re.test(c));
    if (hit) return hit;
    await wb.page.waitForTimeout(100); // polling interval of a UI condition, not a fixed wait
  }
  throw new Error(`no decoration matching ${re}; saw ${JSON.stringify(seen)}`);
}

const fillAndSave = (): Promise<string> => fillAndSaveIn(wb);

/** The modal dialog VS Code shows for showWarningMessage({ modal: true }). */
function dialog() { return wb.page.locator('.monaco-dialog-box'); }

async function pressDialogButton(label: string): Promise<void> {
  await dialog().locator('.monaco-button', { hasText: label }).first().click();
  await dialog().waitFor({ state: 'detached' });
}

/** Each scenario leaves a screenshot when it fails, and no dialog or quick pick open for the next. */
const scenario = scenarioOf(() => wb, true);

/** Checks a one-line explicit fill: only the selection changed, no added indentation, bounded length. */
function checkBounded(name: string, selected: string, fill: string): void {
  const log = lastFillLog();
  const row = { scenario: name, selectionChars: selected.length, fillChars: fill.length,
    selectionLines: selected.split('\n').length, fillLines: fill.split('\n').length,
    fillTokens: log.tokens[0], capacity: log.capacity[0], fill };
  measured.push(row);
  console.log(`[measure] ${JSON.stringify(row)}`);
  assert.doesNotMatch(fill, /^[ \t]/, `the fill adds indentation: ${JSON.stringify(fill)}`);
  assert.doesNotMatch(fill, /\n[ \t]*\n[ \t]*$/, `the fill ends in blank lines: ${JSON.stringify(fill)}`);
  assert.ok(log.tokens[0] <= log.capacity[0], `more tokens than capacity: ${log.line}`);
  assert.ok(fill.length <= 2 * selected.length + 16, `fill of ${fill.length} chars for a ${selected.length}-char selection`);
}

describe('Fills a user can trust, in a real VS Code on real files', { timeout: 20 * 60_000 }, () => {
  before(async () => {
    session = await openSession({ userSettings: SETTINGS, files: FILES }, READY);
    ({ cs, wb } = session);
  });

  after(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'trust-measurements.json'), JSON.stringify(measured, null, 2));
    await closeSession(session);
  });

  scenario('textwrap.py: "text = text.expandtabs(self.tabsize)" gets a fill of about its length, no added indentation', 't1-expandtabs', async () => {
    const name = 'tw_expandtabs.py';
    const snippet = 'text = text.expandtabs(self.tabsize)';
    await wb.openFile(name);
    const r = await selectSnippet(TEXTWRAP, snippet);
    await fillAndSave();
    await wb.screenshot('t1-expandtabs');
    checkBounded('expandtabs', snippet, fillOf(TEXTWRAP, fileText(name), r));
  });

  scenario('textwrap.py: "w.fill(text)" does not push the next def down', 't2-w-fill', async () => {
    const name = 'tw_fill.py';
    const snippet = 'w.fill(text)';
    await wb.openFile(name);
    const r = await selectSnippet(TEXTWRAP, snippet);
    await fillAndSave();
    await wb.screenshot('t2-w-fill');
    const afterText = fileText(name);
    const fill = fillOf(TEXTWRAP, afterText, r);
    checkBounded('w.fill', snippet, fill);
    const moved = locate(afterText, 'def shorten(').line - locate(TEXTWRAP, 'def shorten(').line;
    measured.push({ scenario: 'w.fill', nextDefMovedLines: moved });
    assert.ok(moved <= 1, `the next def moved ${moved} lines`);
  });

  scenario('textwrap.py: a 61-line selection asks before filling; Cancel changes nothing', 't3-oversize-cancel', async () => {
    const name = 'tw_big_cancel.py';
    await wb.openFile(name);
    await selectLines(TEXTWRAP, 139, 61);
    await wb.runCommand('PGM: Infill Selection');
    await dialog().waitFor({ timeout: 60_000 });
    const message = (await dialog().textContent()) ?? '';
    await wb.screenshot('t3-oversize-dialog');
    measured.push({ scenario: 'oversize', dialog: message });
    assert.match(message, /The selection is about \d+ tokens; the model fills at most \d+ tokens at once/);
    assert.match(message, /Fill in Parts/);
    assert.match(message, /Cap It/);
    await pressDialogButton('Cancel');
    await wb.waitStatus(/^(?!.*filling…)/, 30_000);
    assert.equal(await wb.page.locator('.tab.active.dirty').count(), 0, 'the document was edited after Cancel');
    assert.equal(fileText(name), TEXTWRAP);
  });

  scenario('textwrap.py: "Cap It" replaces the 61 lines with one fill of at most the maximum', 't4-oversize-cap', async () => {
    const name = 'tw_big_cap.py';
    await wb.openFile(name);
    const r = await selectLines(TEXTWRAP, 139, 61);
    await wb.runCommand('PGM: Infill Selection');
    await dialog().waitFor({ timeout: 60_000 });
    const max = Number(((await dialog().textContent()) ?? '').match(/at most (\d+) tokens at once/)?.[1]);
    await pressDialogButton('Cap It');
    await wb.saveAfterEdit(120_000);
    await wb.screenshot('t4-oversize-cap');
    const fill = fillOf(TEXTWRAP, fileText(name), r);
    const log = lastFillLog();
    measured.push({ scenario: 'cap', selectionChars: r.end - r.start, fillChars: fill.length, fillTokens: log.tokens[0], capacity: log.capacity[0], maxTokens: max });
    assert.ok(log.capacity[0] <= max, `capacity ${log.capacity[0]} above the maximum ${max}`);
    assert.ok(log.tokens[0] <= max);
  });

  scenario('textwrap.py: "Fill in Parts" fills the 61 lines part by part', 't5-oversize-parts', async () => {
    const name = 'tw_big_parts.py';
    await wb.openFile(name);
    const r = await selectLines(TEXTWRAP, 139, 61);
    await wb.runCommand('PGM: Infill Selection');
    await dialog().waitFor({ timeout: 60_000 });
    await pressDialogButton('Fill in Parts');
    await wb.saveAfterEdit(300_000);
    await wb.screenshot('t5-oversize-parts');
    const fill = fillOf(TEXTWRAP, fileText(name), r);
    const log = lastFillLog();
    measured.push({ scenario: 'parts', selectionChars: r.end - r.start, selectionLines: 61, fillChars: fill.length,
      fillLines: fill.split('\n').length, tokens: log.tokens, capacity: log.capacity });
    assert.ok(fill.length > 0.25 * (r.end - r.start), `the parts filled only ${fill.length} of ${r.end - r.start} chars`);
  });

  scenario('encoder.py: an empty selection fills at the cursor, up to the capacity setting', 't6-cursor', async () => {
    const name = 'encoder_cursor.py';
    const anchor = 'chunks = self.iterencode(o, _one_shot=True)';
    await wb.openFile(name);
    const at = locate(ENCODER, anchor);
    const lineEnd = ENCODER.indexOf('\n', at.offset);
    await wb.gotoLine(at.line, at.column + anchor.length);
    await fillAndSave();
    await wb.screenshot('t6-cursor');
    const fill = fillOf(ENCODER, fileText(name), { start: lineEnd, end: lineEnd });
    const log = lastFillLog();
    measured.push({ scenario: 'cursor', fillChars: fill.length, fillLines: fill.split('\n').length, fillTokens: log.tokens[0], capacity: log.capacity[0] });
    assert.equal(log.capacity[0], 64, `an empty selection should get the capacity setting: ${log.line}`);
    assert.ok(log.tokens[0] <= 64);
  });

  scenario('ms/index.js: Show Alternatives lists ranked candidates and applies the picked one', 't7-alternatives', async () => {
    const name = 'ms_alternatives.js';
    const snippet = 'Math.round(ms / d)';
    await wb.openFile(name);
    const r = await selectSnippet(MS, snippet);
    await wb.runCommand('PGM: Show Alternatives');
    const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'PGM: Alternatives' }).waitFor({ timeout: 120_000 });
    await rows.first().waitFor();
    const count = await rows.count();
    const labels: string[] = [];
    for (let i = 0; i < count; i++) labels.push((await rows.nth(i).locator('.label-name').first().textContent()) ?? '');
    await wb.page.keyboard.press('ArrowDown'); // highlight #2: its preview shows after the selection
    await waitDecoration(/alternative #2/);
    await wb.screenshot('t7-alternatives-pick');
    measured.push({ scenario: 'alternatives', candidates: count, labels });
    assert.ok(count >= 2, `only ${count} candidate(s) listed: ${JSON.stringify(labels)}`);
    await wb.page.keyboard.press('Enter');
    await wb.saveAfterEdit();
    await wb.screenshot('t7-alternatives-applied');
    const fill = fillOf(MS, fileText(name), r);
    const shown = labels[1].replace(/\u00a0/g, ' ').trim();
    const flat = fill.replace(/\r?\n/g, ' ⏎ ').replace(/\t/g, ' → ');
    assert.ok(shown.endsWith('…') ? flat.startsWith(shown.slice(0, -1)) : flat === shown, `applied ${JSON.stringify(fill)}, picked ${JSON.stringify(shown)}`);
  });

  scenario('encoder.py: Esc in Show Alternatives applies nothing', 't8-alternatives-esc', async () => {
    const name = 'encoder_alt_esc.py';
    await wb.openFile(name);
    await selectSnippet(ENCODER, "return ''.join(chunks)");
    await wb.runCommand('PGM: Show Alternatives');
    await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: 'PGM: Alternatives' }).waitFor({ timeout: 120_000 });
    await wb.page.keyboard.press('Escape');
    await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await wb.waitStatus(/^(?!.*filling…)/, 30_000);
    assert.equal(await wb.page.locator('.tab.active.dirty').count(), 0, 'Esc applied something');
    assert.equal(fileText(name), ENCODER);
  });

  scenario('encoder.py: a fill under the confidence threshold is applied and says "low confidence"', 't9-low-confidence', async () => {
    // A threshold of 0 puts every fill under it (scores are mean log-probabilities, < 0).
    const settingsDir = join(cs.workspace, '.vscode');
    mkdirSync(settingsDir, { recursive: true });
    // VS Code notices the file a moment later; the steps value rides along in the same file, so the
    // status bar's "7 steps configured" proves the threshold is in effect before the fill starts.
    writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({ 'pgmInfill.confidenceThreshold': 0, 'pgmInfill.steps': 7 }));
    try {
      await wb.waitStatus(/; 7 steps configured/, 30_000);
      const name = 'encoder_low.py';
      await wb.openFile(name);
      const r = await selectSnippet(ENCODER, 'if not isinstance(chunks, (list, tuple)):');
      await wb.runCommand('PGM: Infill Selection');
      await wb.saveAfterEdit();
      const status = await wb.waitStatus(/last fill \d+ ms.*low confidence/);
      fillOf(ENCODER, fileText(name), r);
      await wb.runCommand('PGM: Show Denoising View');
      const view = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
      await view.locator('#title', { hasText: name }).waitFor({ timeout: 30_000 });
      // The hole's own badge (the legend shows an example badge too).
      await view.locator('.range h2 .badge.low', { hasText: 'low confidence' }).waitFor({ timeout: 30_000 });
      await wb.screenshot('t9-low-confidence');
      assert.match(await view.locator('#meta').textContent() ?? '', /applied · low confidence/);
      assert.match(status, /low confidence/);
    } finally {
      rmSync(settingsDir, { recursive: true, force: true });
      await wb.waitStatus(/; 8 steps configured/, 30_000).catch(() => undefined);
    }
  });
});
