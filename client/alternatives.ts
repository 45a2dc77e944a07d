/**
 * "PGM: Show Alternatives": one fill request for the selection(s) with at least
 * ALTERNATIVES_MIN candidates per hole, then a quick pick per selection, in document order, listing
 * the ranked candidates; the highlighted one is previewed after its range in the editor. Nothing
 * is applied until every selection has a pick; Esc at any point applies nothing. The picks are
 * applied together with the fill rules (requested version only, only the selected ranges, one
 * undo step). An empty selection is a fill at the cursor, as for Infill Selection.
 */
import * as vscode from 'vscode';
import { choiceRows, rankedChoices, type Candidate } from './candidates';
import { readSettings } from './config';
import { applyAnswer, withFill, type FillAnswer, type InfillDeps } from './infill';
import type { LiveDecorations } from './liveDecorations';
import { describeTargets } from './ranges';

/** The fewest candidates Show Alternatives asks for, whatever `pgmInfill.candidates` says. */
export const ALTERNATIVES_MIN = 4;

interface ChoiceItem extends vscode.QuickPickItem { index: number }

export async function showAlternatives(deps: InfillDeps): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) { void vscode.window.showInformationMessage('PGM Infill: open a file and select the text to fill.'); return; }
  const configured = readSettings(editor.document.uri.toString()).server.candidates;
  const ranges = editor.selections.map((s) => new vscode.Range(s.start, s.end));
  await withFill(deps, editor, ranges, `alternatives, ${describeTargets(ranges)}`, { candidates: Math.max(ALTERNATIVES_MIN, configured) },
    async (answer, deco) => {
      const picks = await pickAll(answer, deco);
      if (!picks) {
        deps.log.info('alternatives: nothing picked, nothing applied');
        deps.live({ type: 'done', requestId: answer.params.requestId!, outcome: 'no alternative picked' });
        return;
      }
      await applyAnswer(deps, editor.document, answer, picks);
    });
}

async function pickAll(a: FillAnswer, deco: LiveDecorations): Promise<string[] | undefined> {
  const picks: string[] = [];
  for (let i = 0; i < a.holes.length; i++) {
    const text = await pickOne(a, i, rankedChoices(a.holes[i]), deco, picks);
    if (text === undefined) return undefined;
    picks.push(text);
  }
  return picks;
}

/** One quick pick for hole `i`; resolves with the picked text, or undefined on Esc. */
function pickOne(a: FillAnswer, i: number, choices: Candidate[], deco: LiveDecorations, earlier: readonly string[]): Promise<string | undefined> {
  const n = a.holes.length;
  const line = a.params.ranges[i].start.line + 1;
  const qp = vscode.window.createQuickPick<ChoiceItem>();
  qp.title = `PGM: Alternatives${n > 1 ? ` for selection ${i + 1} of ${n}` : ''} (line ${line})`;
  qp.placeholder = 'Pick the fill to apply (Esc applies nothing)';
  qp.matchOnDescription = true;
  qp.items = choiceRows(choices).map((r) => ({ label: r.label, description: r.description, detail: r.detail, index: r.index }));
  const preview = (item: ChoiceItem | undefined): void => {
    const texts: (string | undefined)[] = [...earlier];
    texts[i] = item ? choices[item.index].text : undefined;
    deco.preview(texts, item ? `alternative #${item.index + 1}` : '');
  };
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeActive((items) => preview(items[0]));
    qp.onDidAccept(() => finish(qp.selectedItems[0] ? choices[qp.selectedItems[0].index].text : undefined));
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}
