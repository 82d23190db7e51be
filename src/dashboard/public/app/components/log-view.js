// The live log, virtualised in blocks of lines: only the blocks near the viewport are in the
// DOM (a few hundred lines at most, whatever the total), the others are spacers of their
// measured (or estimated) height. Lines differ in height (markdown, JSON), hence blocks
// measured after render rather than a fixed row height.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { LogLine } from './log-line.js';

const BLOCK = 50;
const LINE_ESTIMATE = 22;
const OVERSCAN_PX = 600;

export function LogView({ rows, follow, onFollowChange }) {
  const box = useRef(null);
  const heights = useRef([]);
  const [range, setRange] = useState([0, 1]);
  const blockCount = Math.ceil(rows.length / BLOCK);
  const height = (i) => heights.current[i] ?? Math.min(BLOCK, rows.length - i * BLOCK) * LINE_ESTIMATE;

  const compute = () => {
    const el = box.current;
    if (!el) return;
    const top = el.scrollTop - OVERSCAN_PX;
    const bottom = el.scrollTop + el.clientHeight + OVERSCAN_PX;
    let y = 0;
    let first = -1;
    let last = -1;
    for (let i = 0; i < blockCount; i++) {
      const h = height(i);
      if (first < 0 && y + h >= top) first = i;
      if (y <= bottom) last = i;
      y += h;
    }
    if (first < 0) first = Math.max(0, blockCount - 1);
    if (last < first) last = first;
    setRange((r) => (r[0] === first && r[1] === last ? r : [first, last]));
  };

  // After each render: measure the rendered blocks, keep the newest line in view when following.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    for (const block of el.querySelectorAll('[data-block]')) heights.current[Number(block.dataset.block)] = block.offsetHeight;
    if (follow) el.scrollTop = el.scrollHeight;
    compute();
  });

  const onScroll = () => {
    const el = box.current;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 30;
    if (follow !== atBottom) onFollowChange(atBottom);
    compute();
  };

  const [first, last] = follow ? [Math.max(0, blockCount - 2), blockCount - 1] : range;
  let before = 0;
  for (let i = 0; i < first; i++) before += height(i);
  let after = 0;
  for (let i = last + 1; i < blockCount; i++) after += height(i);
  const blocks = [];
  for (let b = first; b <= last && b < blockCount; b++) {
    const slice = rows.slice(b * BLOCK, (b + 1) * BLOCK);
    blocks.push(html`<div key=${b} data-block=${b}>${slice.map((row) => html`<${LogLine} key=${row.line.seq} line=${row.line} separator=${row.separator} />`)}</div>`);
  }
  return html`<div class="log-view" ref=${box} onScroll=${onScroll} data-testid="log-view" data-lines=${rows.length}>
    ${rows.length === 0 ? html`<div class="muted log-empty">No log lines yet.</div>` : null}
    <div style=${{ height: `${before}px` }} />
    ${blocks}
    <div style=${{ height: `${after}px` }} />
  </div>`;
}
