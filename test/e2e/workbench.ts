/**
 * Drives the VS Code workbench in Chromium through playwright-core: open files, move the cursor,
 * run commands from the palette, read the PGM status item. Every wait is on something the UI
 * or the disk shows (an element, a label, a file), never a fixed sleep.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ARTIFACTS = join(__dirname, '../../test-artifacts/e2e');

export function chromiumPath(): string {
  return execFileSync('bash', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
}

export async function launchBrowser(): Promise<Browser> {
  // playwright gives the browser a fresh temporary profile itself.
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

export class Workbench {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string, folder: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`, { timeout: 90_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    return new Workbench(page);
  }

  /** The accessible label of the PGM status item ('' while it is not shown). */
  async status(): Promise<string> {
    const item = this.page.locator('[aria-label^="PGM Infill:"]').first();
    return (await item.count()) ? (await item.getAttribute('aria-label')) ?? '' : '';
  }

  /** The visible text of the PGM status item. */
  async statusText(): Promise<string> {
    return (await this.page.locator('[aria-label^="PGM Infill:"]').first().textContent()) ?? '';
  }

  /** Waits until the status label matches `re`; returns it. */
  async waitStatus(re: RegExp, timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < until) {
      last = await this.status();
      if (re.test(last)) return last;
      await this.page.waitForTimeout(100); // polling interval of a UI condition, not a fixed wait
    }
    throw new Error(`status did not match ${re} within ${timeoutMs} ms; last: "${last}"`);
  }

  async runCommand(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${label}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }

  async openFile(name: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(name);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
    await this.page.locator('.editor-instance .monaco-editor.focused').waitFor();
  }

  /** Puts the cursor at 1-based line:column. */
  async gotoLine(line: number, column = 1): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await this.page.locator(`.statusbar [aria-label*="Ln ${line}, Col ${column}"]`).first().waitFor();
  }

  /** Waits until the active tab shows unsaved changes, then saves and waits until it is clean. */
  async saveAfterEdit(timeoutMs = 60_000): Promise<void> {
    await this.page.locator('.tab.active.dirty').waitFor({ timeout: timeoutMs });
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
