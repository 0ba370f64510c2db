import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import type { ViewStore } from '../store/createViewStore';
import { viewed, type TaskRun } from '../store/viewState';
import { describeClear, describeReason, describeWorkerLoss } from '../../engine';
import type { EngineEvent } from '../engineTypes';
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

/** Stage colours (hue per stage; a later stage attempt is drawn darker), distinct in light and dark themes. */
const STAGE_HUES = [210, 32, 160, 280, 350, 95];

function stageColour(stageId: number, stageAttempt: number): string {
  const hue = STAGE_HUES[stageId % STAGE_HUES.length]!;
  return `hsl(${hue} 65% ${Math.max(30, 55 - stageAttempt * 10)}%)`;
}

/** A moment worth a vertical line: a kill, a clear, a fetch failure. */
interface Marker {
  at: number;
  kind: 'kill' | 'clear' | 'fetch';
  reason: string;
}

/** The markers of a run, from its events (the same list the incidents come from). */
function markersOf(events: readonly EngineEvent[]): Marker[] {
  const out: Marker[] = [];
  for (const e of events) {
    if (e.type === 'executor.removed')
      out.push({ at: e.time, kind: 'kill', reason: describeWorkerLoss(e.executorId, e.loss) });
    else if (e.type === 'blocks.removed' && e.cause.kind === 'clearedByUser')
      out.push({ at: e.time, kind: 'clear', reason: describeClear(e.cause.what) });
    else if (e.type === 'task.ended' && e.reason?.kind === 'fetchFailed')
      out.push({
        at: e.time,
        kind: 'fetch',
        reason: `Task ${e.partition} of stage ${e.stageId}.${e.stageAttempt} could not read its input: ${describeReason(e.reason)}`,
      });
  }
  return out;
}

/**
 * One lane per worker, a bar per task launch over engine time, coloured by stage (darker for a later
 * stage attempt); failures are red and marked ✕. Kills, clears and fetch failures are vertical markers
 * (buttons, so their reason shows on hover and on keyboard focus). Once the run's jobs end, the time
 * axis ends with the last task instead of following the clock.
 *
 * Drawn on a canvas: as the clock advances every bar moves, and an SVG of thousands of rects meant
 * thousands of DOM updates (and a layout) per frame. The canvas is one image with a summary as its
 * accessible name; hovering a bar names it in a tooltip, as the SVG's titles did.
 */
export function Timeline({ store }: { store: ViewStore }) {
  const tasks = useViewState(store, (s) => viewed(s).tasks);
  const runStartedAt = useViewState(store, (s) => viewed(s).runStartedAt);
  const executors = useViewState(store, (s) => viewed(s).executors);
  const events = useViewState(store, (s) => viewed(s).runEvents);
  const selected = useViewState(store, (s) => s.selection?.taskIds.join(',') ?? '');
  const clock = useViewState(store, (s) => viewed(s).now);
  const jobRunning = useViewState(store, (s) => {
    const v = viewed(s);
    return v.jobs.some((j) => j.jobId >= v.runFirstJobId && j.state.status === 'running');
  });
  const markers = useMemo(() => markersOf(events), [events]);
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
    return { start, lastEnd, failures, running: bars.some((t) => t.end === null) };
  }, [bars]);

  // The axis follows the clock only while something runs: after the job it ends with its last task.
  const now = jobRunning || stats.running ? clock : Math.max(stats.lastEnd, stats.start);
  const start = stats.start;
  const end = Math.max(start + 1, now, stats.lastEnd, ...markers.map((m) => m.at));
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
    draw(
      el,
      palette,
      bars,
      lanes,
      now,
      { start, end, width },
      height,
      new Set(selected === '' ? [] : selected.split(',').map(Number)),
    );
  }, [palette, bars, lanes, now, start, end, width, height, selected]);

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
      <div className="timeline-wrap">
        <canvas
          ref={canvas}
          className="timeline"
          role="img"
          aria-label={`Task timeline: ${bars.length} task launches on ${lanes.length} workers, ${stats.failures} failed or killed`}
          style={{ height }}
          onMouseMove={onMouseMove}
          onMouseLeave={() => setHover(null)}
        />
        {width > 0 &&
          markers.map((m, i) => (
            <button
              key={i}
              type="button"
              className={`timeline-marker marker-${m.kind}`}
              style={{ left: xOf({ start, end, width }, m.at) - 6, height }}
              aria-label={`${m.reason}, at ${formatMs(m.at - start)}`}
            >
              <span className="timeline-marker-tip" role="tooltip">
                {m.reason}, at {formatMs(m.at - start)}
              </span>
            </button>
          ))}
      </div>
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
  selected: Set<number>,
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
  // Finished and running bars take their stage's colour; failed and killed ones keep theirs.
  const marks: [number, number][] = [];
  const groups = new Map<string, TaskRun[]>();
  for (const t of bars) {
    const kind = status(t);
    const colour = kind === 'failed' || kind === 'killed' ? fill[kind] : stageColour(t.stageId, t.stageAttempt);
    const group = groups.get(colour);
    if (group) group.push(t);
    else groups.set(colour, [t]);
  }
  for (const [colour, group] of groups) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (const t of group) {
      const x0 = xOf(scale, t.startedAt);
      const x1 = Math.max(x0 + 2, xOf(scale, t.end?.at ?? now));
      const y = (laneOf.get(t.executorId) ?? 0) * LANE + 3;
      ctx.rect(x0, y, x1 - x0, LANE - 8);
      if (status(t) === 'failed') marks.push([x1, y]);
    }
    ctx.fill();
  }
  // The bars the selected event-log line is about.
  ctx.strokeStyle = fill.running;
  ctx.lineWidth = 2;
  for (const t of bars) {
    if (!selected.has(t.taskId)) continue;
    const x0 = xOf(scale, t.startedAt);
    const x1 = Math.max(x0 + 2, xOf(scale, t.end?.at ?? now));
    ctx.strokeRect(x0 - 1, (laneOf.get(t.executorId) ?? 0) * LANE + 2, x1 - x0 + 2, LANE - 6);
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
