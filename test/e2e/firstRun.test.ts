/**
 * A new user's first open, in its own code-server with workspace trust ON (the other scenarios
 * turn it off): the folder opens in Restricted Mode, the status says what to do, nothing runs on
 * the workspace's say-so (no server process, no ghost text while typing), one click leads to
 * trusting the folder, and the server then starts, with the user's model (the workspace's own
 * pgmInfill.modelPath is ignored) and onnxruntime telemetry off in its environment. Also: the
 * walkthrough opens, and every image the README and the walkthrough name is inside the VSIX.
 * Screenshots go to test-artifacts/e2e/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { processEnv, ROOT, serverPids } from './codeServer';
import { FILES, USER_SETTINGS } from './fixtures';
import { closeSession, openSession, VSIX, type Session } from './session';
import type { Workbench } from './workbench';

/** Paths inside the VSIX (the extension's files are under extension/). */
function vsixFiles(): Set<string> {
  const out = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', VSIX],
    { encoding: 'utf8' });
  return new Set(out.split('\n').filter(Boolean));
}

describe('PGM Infill on first open', { timeout: 10 * 60_000 }, () => {
  let session: Session | undefined;
  let wb: Workbench;

  before(async () => {
    session = await openSession({
      // The workspace tries to pick its own model (a folder that does not exist).
      files: { ...FILES, '.vscode/settings.json': JSON.stringify({ 'pgmInfill.modelPath': '/nonexistent/workspace-model' }) },
      workspaceTrust: true,
      // No trust prompt: the folder opens straight into Restricted Mode, as after "Don't Trust".
      userSettings: { ...USER_SETTINGS, 'security.workspace.trust.startupPrompt': 'never' },
    });
    ({ wb } = session);
  });

  /** Independent scenarios: each starts without editors (the trust editor opens as a modal one). */
  async function closeEditors(): Promise<void> {
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('View: Close All Editors');
  }

  after(() => closeSession(session));

  it('says what to do in Restricted Mode, and one click leads to trusting the folder', async () => {
    const status = await wb.waitStatus(/Restricted Mode/, 60_000);
    assert.match(status, /not trusted/);
    assert.match(status, /Manage Workspace Trust/);
    assert.match(await wb.statusText(), /Restricted Mode/);
    await wb.page.locator('[aria-label^="PGM Infill:"]').first().hover();
    await wb.page.locator('.monaco-hover', { hasText: 'Manage Workspace Trust' }).first().waitFor({ timeout: 10_000 });
    await wb.screenshot('20-restricted-mode');
    // Typing where the trusted suites get ghost text: nothing starts, nothing is suggested.
    await wb.openFile('inline.py');
    await wb.gotoLine(2, 15); // end of "    message = "
    await wb.page.keyboard.type('f');
    const ghost = wb.page.locator('.monaco-editor.focused .ghost-text-decoration, .monaco-editor.focused .ghost-text');
    // A bounded wait for something that must not happen (inline.debounceMs is 150 ms here).
    await wb.page.waitForTimeout(3_000);
    assert.equal(await ghost.count(), 0, 'ghost text in an untrusted workspace');
    assert.deepEqual(serverPids(session!.cs), [], 'a server started in Restricted Mode without a command');
    await wb.page.keyboard.press('Control+Z');
    await wb.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
    await wb.page.locator('[aria-label^="PGM Infill:"]').first().click();
    const trust = wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 20_000 });
    await wb.screenshot('21-trust-editor');
    await trust.click();
    // ready, so the workspace's model folder (which does not exist) was not used
    const ready = await wb.waitStatus(/^PGM Infill: ready/, 120_000);
    assert.doesNotMatch(ready, /Restricted Mode/);
    await wb.screenshot('22-trusted-ready');
    const pids = serverPids(session!.cs);
    assert.equal(pids.length, 1, `server processes: ${pids}`);
    // code-server runs without it (codeServer.ts): the extension's launcher sets it for the server
    assert.equal(processEnv(pids[0]).ORT_DISABLE_TELEMETRY, '1');
    await closeEditors();
  });

  it('opens the walkthrough', async () => {
    await closeEditors();
    await wb.runCommand('PGM: Get Started');
    const page = wb.page.locator('.gettingStartedContainer');
    await page.getByText('Get started with PGM Infill').first().waitFor({ timeout: 30_000 });
    try {
      for (const step of ['Try a fill', 'Try inline suggestions', 'Watch a fill in the denoising view', 'Choose the number of steps', 'Use a GPU']) {
        await page.getByText(step, { exact: true }).first().waitFor({ timeout: 10_000 });
      }
      // The first step's media is the README's screenshot, shipped inside the extension.
      await page.locator('.getting-started-media img').first().waitFor({ timeout: 10_000 });
    } finally {
      await wb.screenshot('23-walkthrough');
    }
  });

  it('shows the shortcuts in the actions menu, and the settings under "PGM Infill"', async () => {
    await closeEditors();
    // Not runCommand: the command opens a second quick pick, so the widget stays open.
    await wb.page.keyboard.press('F1');
    await wb.page.locator('.quick-input-widget input').fill('>PGM: Show Actions');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'PGM: Show Actions' }).first().waitFor();
    await wb.page.keyboard.press('Enter');
    const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Infill Selection' }).first();
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Ctrl\+Alt\+Enter/);
    await wb.screenshot('24-actions-menu');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Settings' }).first().click();
    await wb.page.locator('.settings-editor .setting-item-label', { hasText: 'Steps' }).first().waitFor({ timeout: 20_000 });
    await wb.screenshot('25-settings');
  });

  it('ships every image the README and the walkthrough name', () => {
    const files = vsixFiles();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]).filter((u) => !/^https?:/.test(u));
    assert.ok(images.length > 0, 'the README shows no image');
    const walk = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.walkthroughs
      .flatMap((w: { steps: Array<{ media: Record<string, string> }> }) => w.steps.map((s) => s.media.image ?? s.media.markdown));
    for (const path of [...images, ...walk]) assert.ok(files.has(`extension/${path}`), `${path} is not in the VSIX`);
  });
});
