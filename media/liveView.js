// The denoising view's script (runs in the webview; no network, no eval, text via textContent).
// It keeps the latest frame of a fill; each hole position carries the step it was committed at,
// so the slider shows the fill as it was after any step, and Replay animates it.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const el = (id) => document.getElementById(id);
  const title = el('title');
  const meta = el('meta');
  const slider = el('step');
  const stepLabel = el('stepLabel');
  const follow = el('follow');
  const rangesEl = el('ranges');
  let start = null;
  let frame = null;
  let verdicts = null; // per hole {score, lowConfidence, parses} once the fill is done
  let timer = null;

  // What the fill ended with, shown in place of the holes when it did not apply (why it failed).
  let outcome = null;

  function isGapAt(t, viewStep) { return t.gap && t.step > 0 && t.step <= viewStep; }

  function tokenSpan(t, viewStep) {
    const s = document.createElement('span');
    s.className = 'tok';
    if (t.step === 0 || t.step > viewStep) {
      s.classList.add('unknown');
      s.textContent = '·';
      return s;
    }
    s.style.setProperty('--c', String(t.confidence));
    s.title = `step ${t.step}, p = ${t.confidence.toFixed(2)}`;
    if (t.step === viewStep) s.classList.add('fresh');
    s.textContent = t.text;
    return s;
  }

  // A run of gap fillers is one compact mark: they are dropped from the text, only their count matters.
  function gapRun(run, viewStep) {
    const s = document.createElement('span');
    s.className = 'tok gap';
    s.textContent = run.length > 1 ? `∅×${run.length}` : '∅';
    s.title = `${run.length} gap filler${run.length > 1 ? 's' : ''}: positions the model left empty (dropped from the text)`;
    if (run.some((t) => t.step === viewStep)) s.classList.add('fresh');
    return s;
  }

  function tokenSpans(tokens, viewStep) {
    const out = [];
    for (let i = 0; i < tokens.length;) {
      if (!isGapAt(tokens[i], viewStep)) { out.push(tokenSpan(tokens[i], viewStep)); i += 1; continue; }
      let j = i;
      while (j < tokens.length && isGapAt(tokens[j], viewStep)) j += 1;
      out.push(gapRun(tokens.slice(i, j), viewStep));
      i = j;
    }
    return out;
  }

  function renderRange(i, viewStep) {
    const box = document.createElement('section');
    box.className = 'range';
    const h = document.createElement('h2');
    h.textContent = `hole ${i + 1}`;
    const v = verdicts && verdicts[i];
    if (v) {
      const score = typeof v.score === 'number' && Number.isFinite(v.score) ? ` · score ${v.score.toFixed(2)}` : '';
      const parses = v.parses === true ? ' · parses' : v.parses === false ? ' · does not parse' : '';
      h.append(score + parses);
      if (v.lowConfidence) {
        box.classList.add('low');
        h.append(' ', Object.assign(document.createElement('span'), { className: 'badge low', textContent: 'low confidence' }));
      }
    }
    const pre = document.createElement('pre');
    const ctx = start && start.ranges[i];
    if (ctx) pre.append(Object.assign(document.createElement('span'), { className: 'ctx', textContent: ctx.before }));
    const tokens = frame && frame.ranges[i] ? frame.ranges[i].tokens : [];
    if (tokens.length === 0 && ctx) {
      pre.append(Object.assign(document.createElement('span'), { className: 'original', textContent: ctx.original || '▯' }));
    }
    pre.append(...tokenSpans(tokens, viewStep));
    if (ctx) pre.append(Object.assign(document.createElement('span'), { className: 'ctx', textContent: ctx.after }));
    box.append(h, pre);
    // The frames follow one candidate before edge clean-up; show the applied text when it differs
    // (clean-up, a better-ranked candidate, or the user's pick in Show Alternatives).
    const shown = frame && frame.ranges[i] ? frame.ranges[i].text : undefined;
    if (v && typeof v.text === 'string' && shown !== undefined && v.text !== shown) {
      const applied = Object.assign(document.createElement('pre'), { className: 'applied' });
      applied.append(Object.assign(document.createElement('span'), { className: 'ctx', textContent: 'applied: ' }), v.text || '∅');
      box.append(applied);
    }
    return box;
  }

  // Steps that ran so far (the latest frame's step); the schedule can be longer (early stop).
  function stepsRan() { return frame ? frame.step : 0; }

  function render() {
    const viewStep = Number(slider.value);
    const ran = stepsRan();
    const scheduled = frame ? frame.totalSteps : 0;
    stepLabel.textContent = ran === 0 ? 'no steps ran'
      : `step ${viewStep}/${ran}${scheduled > ran && outcome ? ` (stopped early; ${scheduled} scheduled)` : ''}`;
    const n = start ? start.ranges.length : frame ? frame.ranges.length : 0;
    const boxes = Array.from({ length: n }, (_, i) => renderRange(i, viewStep));
    if (outcome && outcome.failed) {
      boxes.unshift(Object.assign(document.createElement('p'), { className: 'failure', textContent: outcome.text }));
    }
    rangesEl.replaceChildren(...boxes);
  }

  function setStep(step, max) {
    slider.max = String(max);
    slider.value = String(Math.min(step, max));
    render();
  }

  function stopReplay() { if (timer) { clearInterval(timer); timer = null; } }

  function describe(m) {
    const o = String(m.outcome);
    if (o === 'cancelled') return { failed: true, word: 'cancelled', text: 'Cancelled: nothing was changed.' };
    if (o === 'stale') return { failed: true, word: 'not applied', text: 'Not applied: the document changed while the model worked.' };
    if (o.startsWith('failed') || o.startsWith('refused')) {
      return { failed: true, word: o.split(':')[0], text: `${o.charAt(0).toUpperCase()}${o.slice(1)}. Nothing was changed.` };
    }
    return { failed: o !== 'applied', word: o, text: o };
  }

  function onMessage(m) {
    if (!m || typeof m.type !== 'string') return;
    if (m.type === 'start') {
      stopReplay();
      start = m; frame = null; verdicts = null; outcome = null;
      title.textContent = m.title;
      meta.textContent = `${m.steps} steps requested · running…`;
      setStep(0, 0);
    } else if (m.type === 'frame' && (!start || m.requestId === start.requestId)) {
      frame = m;
      const live = follow.checked && !timer;
      setStep(live ? m.step : Number(slider.value), m.step);
    } else if (m.type === 'done' && (!start || m.requestId === start.requestId)) {
      outcome = describe(m);
      const ms = typeof m.ms === 'number' ? ` · ${Math.round(m.ms)} ms` : '';
      const ran = stepsRan();
      const steps = ran > 0 ? ` · ${ran} step${ran === 1 ? '' : 's'} ran` : '';
      verdicts = Array.isArray(m.holes) ? m.holes : null;
      const lows = verdicts ? verdicts.filter((v) => v && v.lowConfidence).length : 0;
      const low = lows === 0 ? '' : verdicts.length === 1 ? ' · low confidence' : ` · low confidence in ${lows} of ${verdicts.length} holes`;
      meta.textContent = `${outcome.failed ? outcome.word : m.outcome}${low}${steps}${ms}`;
      setStep(Number(slider.value), ran);
    }
  }

  el('replay').addEventListener('click', () => {
    stopReplay();
    if (!frame) return;
    let s = 0;
    const last = stepsRan();
    setStep(0, last);
    timer = setInterval(() => {
      s += 1;
      setStep(s, last);
      if (s >= last) stopReplay();
    }, 400);
  });
  slider.addEventListener('input', () => { stopReplay(); follow.checked = false; render(); });
  window.addEventListener('message', (e) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
})();
