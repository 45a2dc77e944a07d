/**
 * What the e2e suites share: one code-server (with the packaged VSIX) + Chromium + workbench per
 * suite, and the scenario wrapper that leaves a screenshot behind when a scenario fails.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { launchBrowser, Workbench } from './workbench';

export const VSIX = process.env.PGM_E2E_VSIX ?? '';
export const READY = /^PGM Infill: ready/;

export interface Session {
  cs: CodeServer;
  browser: Browser;
  wb: Workbench;
}

/** code-server with the VSIX, these settings and files, a browser on it; waits for `ready` in the status bar when given. */
export async function openSession(opts: Omit<CodeServerOptions, 'vsix'>, ready?: RegExp): Promise<Session> {
  assert.ok(VSIX, 'PGM_E2E_VSIX must name the packaged extension');
  const cs = await startCodeServer({ ...opts, vsix: VSIX });
  const browser = await launchBrowser();
  const wb = await Workbench.open(browser, cs.url, cs.workspace);
  if (ready) await wb.waitStatus(ready, 120_000);
  return { cs, browser, wb };
}

export async function closeSession(s: Partial<Session> | undefined): Promise<void> {
  await s?.browser?.close();
  await s?.cs?.stop();
}

/**
 * The suite's `scenario(name, shot, body)`: a test that saves a screenshot `FAILED-<shot>` when
 * it fails, to see what the workbench showed; `escapeAfter` presses Escape after each one, so no
 * dialog or quick pick stays open for the next.
 */
export function scenarioOf(wb: () => Workbench | undefined, escapeAfter = false) {
  return (name: string, shot: string, body: () => Promise<void>): void => {
    it(name, async () => {
      try {
        await body();
      } catch (err) {
        await wb()?.screenshot(`FAILED-${shot}`).catch(() => undefined);
        throw err;
      } finally {
        if (escapeAfter) await wb()?.page.keyboard.press('Escape').catch(() => undefined);
      }
    });
  };
}

/** Runs "PGM: Infill Selection", saves once the document changed, returns the status after the fill. */
export async function fillAndSave(wb: Workbench): Promise<string> {
  await wb.runCommand('PGM: Infill Selection');
  await wb.saveAfterEdit();
  return wb.waitStatus(/last fill \d+ ms/);
}
