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
    if (t.gap) { s.classList.add('gap'); s.textContent = '∅'; return s; }
    s.textContent = t.text;
    return s;
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
    for (const t of tokens) pre.append(tokenSpan(t, viewStep));
    if (ctx) pre.append(Object.assign(document.createElement('span'), { className: 'ctx', textContent: ctx.after }));
    box.append(h, pre);
    return box;
  }

  function render() {
    const viewStep = Number(slider.value);
    const total = frame ? frame.totalSteps : 0;
    stepLabel.textContent = `step ${viewStep}/${total}`;
    const n = start ? start.ranges.length : frame ? frame.ranges.length : 0;
    rangesEl.replaceChildren(...Array.from({ length: n }, (_, i) => renderRange(i, viewStep)));
  }

  function setStep(step, max) {
    slider.max = String(max);
    slider.value = String(Math.min(step, max));
    render();
  }

  function stopReplay() { if (timer) { clearInterval(timer); timer = null; } }

  function onMessage(m) {
    if (!m || typeof m.type !== 'string') return;
    if (m.type === 'start') {
      stopReplay();
      start = m; frame = null; verdicts = null;
      title.textContent = m.title;
      meta.textContent = `${m.steps} steps requested · running…`;
      setStep(0, m.steps);
    } else if (m.type === 'frame' && (!start || m.requestId === start.requestId)) {
      frame = m;
      const live = follow.checked && !timer;
      setStep(live ? m.step : Number(slider.value), m.totalSteps);
    } else if (m.type === 'done' && (!start || m.requestId === start.requestId)) {
      const ms = typeof m.ms === 'number' ? ` · ${Math.round(m.ms)} ms` : '';
      const steps = typeof m.steps === 'number' ? ` · ${m.steps} steps` : '';
      verdicts = Array.isArray(m.holes) ? m.holes : null;
      const lows = verdicts ? verdicts.filter((v) => v && v.lowConfidence).length : 0;
      const low = lows === 0 ? '' : verdicts.length === 1 ? ' · low confidence' : ` · low confidence in ${lows} of ${verdicts.length} holes`;
      meta.textContent = `${m.outcome}${low}${steps}${ms}`;
      render();
    }
  }

  el('replay').addEventListener('click', () => {
    stopReplay();
    if (!frame) return;
    let s = 0;
    setStep(0, frame.totalSteps);
    timer = setInterval(() => {
      s += 1;
      setStep(s, frame.totalSteps);
      if (s >= frame.totalSteps) stopReplay();
    }, 400);
  });
  slider.addEventListener('input', () => { stopReplay(); follow.checked = false; render(); });
  window.addEventListener('message', (e) => onMessage(e.data));
  vscode.postMessage({ type: 'ready' });
})();
