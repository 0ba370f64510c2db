import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ViewStore } from '../store/createViewStore';
import type { TaskRun } from '../store/viewState';
import { useViewState } from '../hooks/useViewState';
import { formatMs } from '../format';

const LANE = 22;
const LABEL = 70;
/** Beyond this, older bars are dropped. */
const MAX_BARS = 3000;

interface Scale {
  start: number;
  end: number;
  width: number;
}

interface Palette {
  success: string;
  running: string;
  failed: string;
  killed: string;
  muted: string;
  border: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.documentElement);
  const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    success: color('--succeeded', '#16a34a'),
    running: color('--running', '#3b82f6'),
    failed: color('--failed', '#dc2626'),
    killed: color('--killed', '#a16207'),
    muted: color('--muted', '#5b6675'),
    border: color('--border', '#d5dae1'),
  };
}

/**
 * The theme's colours, read when the page loads and when the colour scheme changes. Reading computed
 * style in every draw forced a style recalculation of the whole page per frame, and at the start of a
 * big job (thousands of new partition cells) that alone was a long task.
 */
function usePalette(): Palette {
  const [palette, setPalette] = useState(readPalette);
  useEffect(() => {
    const media = matchMedia('(prefers-color-scheme: dark)');
    const update = () => setPalette(readPalette());
    media.addEventListener('change', update);
    return () => media.removeEventListener('change', update);
  }, []);
  return palette;
}

/**
 * One lane per worker, a bar per task launch over engine time; failures are red and marked ✕.
 *
 * Drawn on a canvas: as the clock advances every bar moves, and an SVG of thousands of rects meant
 * thousands of DOM updates (and a layout) per frame. The canvas is one image with a summary as its
 * accessible name; hovering a bar names it in a tooltip, as the SVG's titles did.
 */
export function Timeline({ store }: { store: ViewStore }) {
  const tasks = useViewState(store, (s) => s.tasks);
  const runStartedAt = useViewState(store, (s) => s.runStartedAt);
  const executors = useViewState(store, (s) => s.executors);
  const now = useViewState(store, (s) => s.now);
  const palette = usePalette();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<{ text: string; x: number; y: number } | null>(null);

  const bars = useMemo(() => {
    const list: TaskRun[] = [];
    for (const t of Object.values(tasks)) if (t.startedAt >= runStartedAt) list.push(t);
    return list.length > MAX_BARS ? list.slice(-MAX_BARS) : list;
  }, [tasks, runStartedAt]);
  const lanes = useMemo(() => {
    const ids = new Set<number>(Object.keys(executors).map(Number));
    for (const t of bars) ids.add(t.executorId);
    return [...ids].sort((a, b) => a - b);
  }, [bars, executors]);
  const stats = useMemo(() => {
    let start = Infinity;
    let lastEnd = -Infinity;
    let failures = 0;
    for (const t of bars) {
      start = Math.min(start, t.startedAt);
      if (t.end) {
        lastEnd = Math.max(lastEnd, t.end.at);
        if (t.end.outcome !== 'success') failures += 1;
      }
    }
    return { start, lastEnd, failures };
  }, [bars]);

  const start = stats.start;
  const end = Math.max(start + 1, now, stats.lastEnd);
  const height = lanes.length * LANE + 20;
  const visible = bars.length > 0;

  // Follow the canvas's CSS width, so the bars are drawn at the device's resolution.
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      for (const entry of entries) setWidth(Math.round(entry.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible]);

  useEffect(() => {
    const el = canvas.current;
    if (!el || width <= 0) return;
    draw(el, palette, bars, lanes, now, { start, end, width }, height);
  }, [palette, bars, lanes, now, start, end, width, height]);

  if (!visible) {
    return (
      <section aria-label="Timeline" className="panel">
        <h2>Timeline</h2>
        <p className="muted">Task bars appear here while a job runs.</p>
      </section>
    );
  }

  const onMouseMove = (e: MouseEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const t = barAt(bars, lanes, now, { start, end, width: r.width }, e.clientX - r.left, e.clientY - r.top);
    setHover(t ? { text: describeBar(t), x: e.clientX, y: e.clientY } : null);
  };

  return (
    <section aria-label="Timeline" className="panel">
      <div className="panel-head">
        <h2>Timeline</h2>
        <span className="muted">
          {bars.length} task launches over {formatMs(end - start)}, {stats.failures} failed or killed
        </span>
      </div>
      <canvas
        ref={canvas}
        className="timeline"
        role="img"
        aria-label={`Task timeline: ${bars.length} task launches on ${lanes.length} workers, ${stats.failures} failed or killed`}
        style={{ height }}
        onMouseMove={onMouseMove}
        onMouseLeave={() => setHover(null)}
      />
      {hover && (
        <div className="timeline-tip" aria-hidden="true" style={{ left: hover.x + 12, top: hover.y + 12 }}>
          {hover.text}
        </div>
      )}
    </section>
  );
}

function status(t: TaskRun): 'running' | 'success' | 'failed' | 'killed' {
  return t.end ? t.end.outcome : 'running';
}

function describeBar(t: TaskRun): string {
  return (
    `Stage ${t.stageId} partition ${t.partition} attempt ${t.attempt} on worker ${t.executorId}: ${status(t)}` +
    (t.end?.reasonText ? ` — ${t.end.reasonText}` : '')
  );
}

function xOf(scale: Scale, time: number): number {
  return LABEL + ((time - scale.start) * (scale.width - LABEL - 10)) / (scale.end - scale.start);
}

/** The bar under a point in CSS pixels (the newest one if bars overlap). */
function barAt(bars: TaskRun[], lanes: number[], now: number, scale: Scale, x: number, y: number): TaskRun | null {
  const lane = lanes[Math.floor(y / LANE)];
  if (lane === undefined || y % LANE < 3 || y % LANE > LANE - 5) return null;
  for (let i = bars.length - 1; i >= 0; i--) {
    const t = bars[i]!;
    if (t.executorId !== lane) continue;
    const x0 = xOf(scale, t.startedAt);
    const x1 = Math.max(x0 + 2, xOf(scale, t.end?.at ?? now));
    if (x >= x0 - 1 && x <= x1 + 1) return t;
  }
  return null;
}

function draw(
  el: HTMLCanvasElement,
  fill: Palette,
  bars: TaskRun[],
  lanes: number[],
  now: number,
  scale: Scale,
  height: number,
): void {
  const dpr = window.devicePixelRatio || 1;
  const pw = Math.round(scale.width * dpr);
  const ph = Math.round(height * dpr);
  if (el.width !== pw) el.width = pw;
  if (el.height !== ph) el.height = ph;
  const ctx = el.getContext('2d');
  if (!ctx) return;
  const muted = fill.muted;

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, scale.width, height);
  // The context keeps its state between draws (only a resize resets it): set everything used.
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  const laneOf = new Map(lanes.map((id, i) => [id, i]));

  ctx.strokeStyle = fill.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  lanes.forEach((_, i) => {
    const y = i * LANE + LANE + 0.5;
    ctx.moveTo(LABEL, y);
    ctx.lineTo(scale.width, y);
  });
  ctx.stroke();
  ctx.fillStyle = muted;
  lanes.forEach((id, i) => ctx.fillText(`worker ${id}`, 4, i * LANE + 15));

  // One path per colour: thousands of fillRect calls with style changes in between are slower.
  const marks: [number, number][] = [];
  for (const kind of ['success', 'running', 'killed', 'failed'] as const) {
    ctx.fillStyle = fill[kind];
    ctx.beginPath();
    for (const t of bars) {
      if (status(t) !== kind) continue;
      const x0 = xOf(scale, t.startedAt);
      const x1 = Math.max(x0 + 2, xOf(scale, t.end?.at ?? now));
      const y = (laneOf.get(t.executorId) ?? 0) * LANE + 3;
      ctx.rect(x0, y, x1 - x0, LANE - 8);
      if (kind === 'failed') marks.push([x1, y]);
    }
    ctx.fill();
  }
  ctx.fillStyle = fill.failed;
  ctx.font = '700 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (const [x, y] of marks) ctx.fillText('✕', x, y + LANE - 10);

  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = muted;
  ctx.textAlign = 'left';
  ctx.fillText('0', LABEL, height - 4);
  ctx.textAlign = 'right';
  ctx.fillText(formatMs(scale.end - scale.start), scale.width - 4, height - 4);
}
