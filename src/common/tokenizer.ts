import type { Tokenizer } from '../protocol/plan';
import { byteString, hasBomAt, replacedSequences, utf8Decoder } from './utf8';

/** One character of a `words` token (a regex class); exported for the PySpark export, which embeds it. */
export const WORD_CHAR = '[\\p{L}\\p{M}\\p{N}]';
/** Joins word characters inside a `words` token ("don't", "don’t"). */
export const APOSTROPHES = "'’";
/** One separator of the `whitespace` tokenizer (a regex class); its tokens are runs of anything else. */
export const SPACE_CHAR = '\\s';

const WORD_RE = new RegExp(`${WORD_CHAR}+(?:[${APOSTROPHES}]${WORD_CHAR}+)*`, 'gu');
const NON_SPACE_RE = new RegExp(`[^${SPACE_CHAR}]+`, 'gu');

/** Tokens of one line of text (no '\n' inside), with the exact word-count semantics. */
export function tokenizeLine(line: string, tokenizer: Tokenizer): string[] {
  if (tokenizer === 'words') return line.toLowerCase().match(WORD_RE) ?? [];
  return line.match(NON_SPACE_RE) ?? [];
}

/** The plain regex reference over a whole decoded text; the byte-level counter must always agree. */
export function referenceCountTokens(text: string, tokenizer: Tokenizer): Map<string, number> {
  const counts = new Map<string, number>();
  const tokens = tokenizer === 'words' ? text.toLowerCase().match(WORD_RE) : text.match(NON_SPACE_RE);
  for (const t of tokens ?? []) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;
const NEWLINE = 10;
const APOSTROPHE = 39;

// Per byte: 0 = not part of a token, else the byte as stored in the key (ASCII letters folded to lower case).
const WORD_BYTE = new Uint8Array(256);
for (let b = 0x30; b <= 0x39; b++) WORD_BYTE[b] = b;
for (let b = 0x61; b <= 0x7a; b++) WORD_BYTE[b] = b;
for (let b = 0x41; b <= 0x5a; b++) WORD_BYTE[b] = b + 32;
// Whitespace mode keeps case; JS \s within ASCII is exactly 9-13 and 32.
const NONSPACE_BYTE = new Uint8Array(256);
for (let b = 0; b < 0x80; b++) NONSPACE_BYTE[b] = b;
for (const b of [9, 10, 11, 12, 13, 32]) NONSPACE_BYTE[b] = 0;
// NUL is a token byte in whitespace mode but 0 marks "separator": give it a class no ASCII byte has
// (only the hash sees classes; keys store raw bytes in this mode).
NONSPACE_BYTE[0] = 0x80;

// The table is one Int32Array of 4-int slots, so a probe touches one cache line, not four arrays.
const KEY = 0; // a token of ≤ 4 bytes: its byte classes packed into an int (exact); longer: FNV-1a
const LEN = 1; // 0 = empty slot (tokens are never empty)
const OFF = 2; // where the token's stored bytes start in the arena
const COUNT = 3;
const SLOT = 4;
const PACKED_MAX = 4;
const GOLDEN = 0x9e3779b1 | 0;
// Counts are int32: a counter refuses input that could hold 2^31 tokens (every token takes ≥ 2 bytes).
const MAX_TOKENS = 0x7fffffff;

/**
 * Counts tokens straight from UTF-8 bytes. Pure-ASCII lines go through a lookup table and an
 * open-addressing table keyed by the token bytes, so a word becomes a string once per distinct word,
 * not once per occurrence; a token of up to 4 bytes is compared as one packed int, not byte by byte.
 * A line with any byte >= 0x80 is decoded and handed to the regex reference (tokens and lower-casing
 * context never cross '\n', so per-line handling is exact); the ASCII tokens already counted for that
 * line are undone first.
 */
export class TokenCounter {
  /** Lines seen (a final line without '\n' included), for metrics. */
  lines = 0;
  /** Token occurrences counted, for metrics. */
  tokens = 0;
  /** Ill-formed UTF-8 sequences replaced by U+FFFD while decoding (only non-ASCII lines are decoded). */
  invalidUtf8 = 0;

  private cap: number;
  private shift: number;
  private size = 0;
  private slots: Int32Array;
  private arena = new Uint8Array(1 << 18);
  private arenaPos = 0;
  // Slots of the tokens counted so far on the current line, to undo if the line turns out non-ASCII.
  private pending = new Int32Array(256);
  // Set by grow(): where each old slot went, for the pending slots to follow.
  private moved: Int32Array | null = null;
  private decoded = new Map<string, number>();
  private readonly classOf: Uint8Array;

  /**
   * `tableBits`: log2 of the initial slot count. The default (2^17 slots, 2 MiB) holds the distinct
   * words of a typical split without regrowing; tests pass a small one to exercise growth cheaply.
   */
  constructor(
    readonly tokenizer: Tokenizer,
    tableBits = 17,
  ) {
    this.classOf = tokenizer === 'words' ? WORD_BYTE : NONSPACE_BYTE;
    this.cap = 1 << tableBits;
    this.shift = 32 - tableBits;
    this.slots = new Int32Array(this.cap * SLOT);
  }

  /** Adds the tokens of the lines in bytes[start, end); callers split ranges only at line starts. */
  addBytes(bytes: Uint8Array, start: number, end: number): void {
    if (this.tokens + (end - start) / 2 >= MAX_TOKENS) {
      throw new RangeError('A TokenCounter counts at most 2^31 - 1 tokens: give each 4 GiB of text its own counter.');
    }
    const cls = this.classOf;
    const words = this.tokenizer === 'words';
    let pendingN = 0;
    let lineStart = start;
    let i = start;
    let tokens = 0;
    while (i < end) {
      let b = bytes[i];
      if (b === NEWLINE) {
        i++;
        lineStart = i;
        pendingN = 0;
        this.lines++;
        continue;
      }
      if (b >= 0x80) {
        this.undo(pendingN);
        tokens -= pendingN;
        i = this.decodeLine(bytes, lineStart, end);
        lineStart = i;
        pendingN = 0;
        continue;
      }
      let c = cls[b];
      if (c === 0) {
        i++;
        continue;
      }
      const tokStart = i;
      let h = FNV_OFFSET;
      let packed = 0;
      for (;;) {
        h = Math.imul(h ^ c, FNV_PRIME);
        packed = (packed << 8) | c;
        i++;
        if (i >= end) break;
        b = bytes[i];
        c = cls[b];
        if (c !== 0) continue;
        if (words && b === APOSTROPHE && i + 1 < end && (c = cls[bytes[i + 1]]) !== 0) {
          h = Math.imul(h ^ APOSTROPHE, FNV_PRIME);
          packed = (packed << 8) | APOSTROPHE;
          i++;
          continue;
        }
        break;
      }
      const len = i - tokStart;
      const slot = this.slotFor(bytes, tokStart, len, len <= PACKED_MAX ? packed : h);
      if (this.moved !== null) {
        for (let k = 0; k < pendingN; k++) this.pending[k] = this.moved[this.pending[k] / SLOT];
        this.moved = null;
      }
      this.slots[slot + COUNT]++;
      tokens++;
      if (pendingN === this.pending.length) {
        const grown = new Int32Array(pendingN * 2);
        grown.set(this.pending);
        this.pending = grown;
      }
      this.pending[pendingN++] = slot;
    }
    if (lineStart < end) this.lines++;
    this.tokens += tokens;
  }

  /** Adds the tokens of a string line (no '\n' inside), e.g. from the generic line pipeline. */
  addLine(line: string): void {
    const found = tokenizeLine(line, this.tokenizer);
    for (const t of found) this.decoded.set(t, (this.decoded.get(t) ?? 0) + 1);
    this.tokens += found.length;
  }

  /**
   * Visits each distinct token once without turning table tokens into strings: table tokens as their
   * stored ASCII bytes, then tokens of decoded lines as strings. Tokens of decoded lines that are pure
   * ASCII are first moved into the table, so that no token is visited twice.
   */
  forEachToken(
    visitAscii: (bytes: Uint8Array, start: number, len: number, count: number) => void,
    visitString: (token: string, count: number) => void,
  ): void {
    this.foldAsciiDecoded();
    const { slots, arena } = this;
    for (let s = 0; s < slots.length; s += SLOT) {
      const len = slots[s + LEN];
      const count = slots[s + COUNT];
      if (len !== 0 && count !== 0) visitAscii(arena, slots[s + OFF], len, count);
    }
    this.decoded.forEach((count, token) => visitString(token, count));
  }

  /** Adds every count into `target`. */
  addTo(target: Map<string, number>): void {
    const { slots, arena } = this;
    for (let s = 0; s < slots.length; s += SLOT) {
      const len = slots[s + LEN];
      const count = slots[s + COUNT];
      if (len === 0 || count === 0) continue;
      const word = byteString(arena, slots[s + OFF], len);
      target.set(word, (target.get(word) ?? 0) + count);
    }
    this.decoded.forEach((count, word) => target.set(word, (target.get(word) ?? 0) + count));
  }

  toMap(): Map<string, number> {
    const m = new Map<string, number>();
    this.addTo(m);
    return m;
  }

  private foldAsciiDecoded(): void {
    const cls = this.classOf;
    const words = this.tokenizer === 'words';
    for (const [token, count] of this.decoded) {
      if (!/^[\0-\x7f]+$/.test(token)) continue;
      const bytes = new Uint8Array(token.length);
      let h = FNV_OFFSET;
      let packed = 0;
      for (let k = 0; k < token.length; k++) {
        const b = token.charCodeAt(k);
        bytes[k] = b;
        // The classes addBytes hashes: a words-mode apostrophe has no class of its own there.
        const c = words && b === APOSTROPHE ? APOSTROPHE : cls[b];
        h = Math.imul(h ^ c, FNV_PRIME);
        packed = (packed << 8) | c;
      }
      const slot = this.slotFor(bytes, 0, token.length, token.length <= PACKED_MAX ? packed : h);
      this.slots[slot + COUNT] += count;
      this.decoded.delete(token);
    }
  }

  private undo(pendingN: number): void {
    for (let k = 0; k < pendingN; k++) this.slots[this.pending[k] + COUNT]--;
  }

  /** Tokenizes the line starting at lineStart through the reference path; returns the next line start. */
  private decodeLine(bytes: Uint8Array, lineStart: number, end: number): number {
    let nl = bytes.indexOf(NEWLINE, lineStart);
    if (nl < 0 || nl >= end) nl = end;
    const line = utf8Decoder.decode(bytes.subarray(lineStart, nl));
    this.invalidUtf8 += replacedSequences(line, bytes, lineStart, nl);
    this.addLine(line);
    this.lines++;
    return nl < end ? nl + 1 : end;
  }

  /** The slot (index of its first int) of the token bytes[start, start + len), inserted if new. */
  private slotFor(bytes: Uint8Array, start: number, len: number, key: number): number {
    const { slots, arena } = this;
    const last = slots.length - SLOT;
    let s = (Math.imul(key, GOLDEN) >>> this.shift) * SLOT;
    for (;;) {
      const l = slots[s + LEN];
      if (l === 0) break;
      if (l === len && slots[s + KEY] === key) {
        // A packed key is the token itself.
        if (len <= PACKED_MAX) return s;
        const off = slots[s + OFF];
        let k = 0;
        if (this.tokenizer === 'words') {
          // Token bytes are [0-9A-Za-z'], whose stored form is exactly b | 0x20 (lower case; digits
          // and the apostrophe already have that bit): no table lookup per byte.
          for (; k < len; k++) if ((bytes[start + k] | 0x20) !== arena[off + k]) break;
        } else {
          for (; k < len; k++) if (bytes[start + k] !== arena[off + k]) break;
        }
        if (k === len) return s;
      }
      s = s === last ? 0 : s + SLOT;
    }
    return this.insert(bytes, start, len, key, s);
  }

  private insert(bytes: Uint8Array, start: number, len: number, key: number, s: number): number {
    if (this.arenaPos + len > this.arena.length) {
      let size = this.arena.length * 2;
      while (size < this.arenaPos + len) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.arena.subarray(0, this.arenaPos));
      this.arena = grown;
    }
    const dst = this.arena;
    const off = this.arenaPos;
    const words = this.tokenizer === 'words';
    for (let k = 0; k < len; k++) {
      const b = bytes[start + k];
      dst[off + k] = words ? b | 0x20 : b;
    }
    this.arenaPos += len;
    const slots = this.slots;
    slots[s + KEY] = key;
    slots[s + LEN] = len;
    slots[s + OFF] = off;
    slots[s + COUNT] = 0;
    if (++this.size * 2 > this.cap) {
      this.grow();
      return this.slotFor(bytes, start, len, key);
    }
    return s;
  }

  private grow(): void {
    const old = this.slots;
    this.cap *= 2;
    this.shift--;
    this.slots = new Int32Array(this.cap * SLOT);
    const slots = this.slots;
    const last = slots.length - SLOT;
    const moved = new Int32Array(old.length / SLOT);
    for (let o = 0; o < old.length; o += SLOT) {
      if (old[o + LEN] === 0) continue;
      let s = (Math.imul(old[o + KEY], GOLDEN) >>> this.shift) * SLOT;
      while (slots[s + LEN] !== 0) s = s === last ? 0 : s + SLOT;
      slots.set(old.subarray(o, o + SLOT), s);
      moved[o / SLOT] = s;
    }
    this.moved = moved;
  }
}

/**
 * Adds the tokens of the lines in bytes[start, end) to `counts`. `bytes` is taken to begin at file
 * offset 0, so a BOM at start 0 is the file's BOM and is dropped.
 */
export function countTokens(
  bytes: Uint8Array,
  start: number,
  end: number,
  tokenizer: Tokenizer,
  counts: Map<string, number>,
  tableBits?: number,
): void {
  if (start === 0 && end >= 3 && hasBomAt(bytes, 0)) start = 3;
  const counter = new TokenCounter(tokenizer, tableBits);
  counter.addBytes(bytes, start, end);
  counter.addTo(counts);
}
