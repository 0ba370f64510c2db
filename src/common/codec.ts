import { ByteWriter } from './byteWriter';
import { readWtf8 } from './utf8';
import { NotSerializableError, describeValueType } from './notSerializableError';

export { NotSerializableError } from './notSerializableError';

// Tags of the record codec. Layout: FORMAT_RECORDS, varint count, then one tagged value per record.
const T_NULL = 0;
const T_UNDEFINED = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4; // zigzag varint, int32 range
const T_FLOAT = 5; // float64 little-endian
const T_STRING = 6; // varint byte length, WTF-8 (UTF-8 that keeps lone surrogates)
const T_ARRAY = 7;
const T_OBJECT = 8;
const T_BIGINT = 9; // decimal string
const T_EMPTY_STRING = 10;

const FORMAT_RECORDS = 0xe1;
const FORMAT_WORD_COUNTS = 0xe2;
// Deep enough for any sane record; beyond it we assume a cycle rather than overflow the stack.
const MAX_DEPTH = 512;

export class CodecError extends Error {
  override readonly name = 'CodecError';
}

function writeValue(w: ByteWriter, v: unknown, operator: string, depth: number): void {
  switch (typeof v) {
    case 'string':
      if (v.length === 0) w.byte(T_EMPTY_STRING);
      else {
        w.byte(T_STRING);
        w.string(v);
      }
      return;
    case 'number':
      if ((v | 0) === v && !Object.is(v, -0)) {
        w.byte(T_INT);
        w.varint(((v << 1) ^ (v >> 31)) >>> 0);
      } else {
        w.byte(T_FLOAT);
        w.float64(v);
      }
      return;
    case 'boolean':
      w.byte(v ? T_TRUE : T_FALSE);
      return;
    case 'undefined':
      w.byte(T_UNDEFINED);
      return;
    case 'bigint':
      w.byte(T_BIGINT);
      w.string(v.toString());
      return;
    case 'object': {
      if (v === null) {
        w.byte(T_NULL);
        return;
      }
      if (depth >= MAX_DEPTH) throw new NotSerializableError(operator, 'a cyclic or too deeply nested value');
      if (Array.isArray(v)) {
        w.byte(T_ARRAY);
        w.varint(v.length);
        for (let i = 0; i < v.length; i++) writeValue(w, v[i], operator, depth + 1);
        return;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new NotSerializableError(operator, describeValueType(v));
      }
      const keys = Object.keys(v);
      w.byte(T_OBJECT);
      w.varint(keys.length);
      for (const k of keys) {
        w.string(k);
        writeValue(w, (v as Record<string, unknown>)[k], operator, depth + 1);
      }
      return;
    }
    default:
      throw new NotSerializableError(operator, describeValueType(v));
  }
}

/** Encodes records compactly; throws NotSerializableError naming `operator` for non-plain data. */
export function encodeRecords(records: readonly unknown[], operator: string): Uint8Array {
  const w = new ByteWriter(Math.max(64, records.length * 8));
  w.byte(FORMAT_RECORDS);
  w.varint(records.length);
  for (let i = 0; i < records.length; i++) writeValue(w, records[i], operator, 0);
  return w.finish();
}

/**
 * Builds a records block incrementally (count unknown up front): the same bytes as encodeRecords over
 * the records added, with the header written when finished.
 */
export class RecordWriter {
  private readonly w: ByteWriter;
  count = 0;

  constructor(
    private readonly operator: string,
    sizeHint = 1024,
  ) {
    this.w = new ByteWriter(Math.max(64, sizeHint));
  }

  add(record: unknown): void {
    writeValue(this.w, record, this.operator, 0);
    this.count++;
  }

  /** Adds the record [key, value] without building the pair. */
  addPair(key: unknown, value: unknown): void {
    const w = this.w;
    w.ensure(2);
    w.buf[w.pos++] = T_ARRAY;
    w.buf[w.pos++] = 2; // varint 2
    writeValue(w, key, this.operator, 1);
    writeValue(w, value, this.operator, 1);
    this.count++;
  }

  get byteLength(): number {
    return this.w.pos;
  }

  /** The block, in a right-sized buffer of its own. */
  finish(): Uint8Array {
    const header = new ByteWriter(16);
    header.byte(FORMAT_RECORDS);
    header.varint(this.count);
    const out = new Uint8Array(header.pos + this.w.pos);
    out.set(header.buf.subarray(0, header.pos));
    out.set(this.w.buf.subarray(0, this.w.pos), header.pos);
    return out;
  }
}

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  varint(): number {
    const bytes = this.bytes;
    let result = 0;
    let mul = 1;
    for (;;) {
      if (this.pos >= bytes.length) throw new CodecError('Truncated block: varint runs past the end.');
      const b = bytes[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
      if (mul > 2 ** 56) throw new CodecError('Corrupt block: varint too long.');
    }
  }

  string(): string {
    const len = this.varint();
    if (this.pos + len > this.bytes.length) throw new CodecError('Truncated block: string runs past the end.');
    const s = readWtf8(this.bytes, this.pos, len);
    this.pos += len;
    return s;
  }

  value(): unknown {
    if (this.pos >= this.bytes.length) throw new CodecError('Truncated block: value expected.');
    const tag = this.bytes[this.pos++];
    switch (tag) {
      case T_NULL:
        return null;
      case T_UNDEFINED:
        return undefined;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const z = this.varint();
        return (z >>> 1) ^ -(z & 1);
      }
      case T_FLOAT: {
        if (this.pos + 8 > this.bytes.length) throw new CodecError('Truncated block: float runs past the end.');
        const v = this.view.getFloat64(this.pos, true);
        this.pos += 8;
        return v;
      }
      case T_STRING:
        return this.string();
      case T_EMPTY_STRING:
        return '';
      case T_ARRAY: {
        const n = this.varint();
        if (n > this.bytes.length - this.pos) throw new CodecError('Corrupt block: array longer than the block.');
        const arr = new Array<unknown>(n);
        for (let i = 0; i < n; i++) arr[i] = this.value();
        return arr;
      }
      case T_OBJECT: {
        const n = this.varint();
        // An ordinary object (user code may call its methods), but an own "__proto__" key is defined as
        // a property: assigned, it would set the object's prototype instead (prototype pollution).
        const obj: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.string();
          const v = this.value();
          if (k === '__proto__')
            Object.defineProperty(obj, k, { value: v, writable: true, enumerable: true, configurable: true });
          else obj[k] = v;
        }
        return obj;
      }
      case T_BIGINT:
        return BigInt(this.string());
      default:
        throw new CodecError(`Corrupt block: unknown value tag ${tag} at byte ${this.pos - 1}.`);
    }
  }
}

/** Decodes what encodeRecords produced; throws CodecError on truncated or corrupt input. */
export function decodeRecords(bytes: Uint8Array): unknown[] {
  const r = new Reader(bytes);
  if (bytes.length === 0 || bytes[0] !== FORMAT_RECORDS) throw new CodecError('Not a records block.');
  r.pos = 1;
  const n = r.varint();
  if (n > bytes.length) throw new CodecError('Corrupt block: record count larger than the block.');
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = r.value();
  if (r.pos !== bytes.length) throw new CodecError('Corrupt block: trailing bytes after the last record.');
  return out;
}

/**
 * Visits each record of a records block as a key-value pair: [key, value] records are read without
 * building the array (the reduce side's merge); any other record is decoded and visited as
 * (record[0], record[1]). Returns the record count; throws like decodeRecords.
 */
export function forEachPair(bytes: Uint8Array, visit: (key: unknown, value: unknown) => void): number {
  const r = new Reader(bytes);
  if (bytes.length === 0 || bytes[0] !== FORMAT_RECORDS) throw new CodecError('Not a records block.');
  r.pos = 1;
  const n = r.varint();
  if (n > bytes.length) throw new CodecError('Corrupt block: record count larger than the block.');
  for (let i = 0; i < n; i++) {
    if (bytes[r.pos] === T_ARRAY && bytes[r.pos + 1] === 2 && r.pos + 2 < bytes.length) {
      r.pos += 2;
      const key = r.value();
      visit(key, r.value());
    } else {
      const rec = r.value() as [unknown, unknown];
      visit(rec[0], rec[1]);
    }
  }
  if (r.pos !== bytes.length) throw new CodecError('Corrupt block: trailing bytes after the last record.');
  return n;
}

/**
 * Word counts: FORMAT_WORD_COUNTS, u32 entry count, then per entry varint WTF-8 length, bytes, varint
 * count (a word from input text is well-formed, so its bytes are its UTF-8). Accepts a Map (or any
 * iterable of pairs) so callers need not build an intermediate array.
 */
export function encodeWordCounts(entries: Iterable<readonly [string, number]>, sizeHint = 0): Uint8Array {
  const w = new WordCountsWriter(sizeHint);
  for (const [word, count] of entries) w.add(word, count);
  return w.finish();
}

/** Writes a word-counts block entry by entry; a word may come as a string or as its ASCII bytes. */
export class WordCountsWriter {
  #w: ByteWriter;
  /** Entries written so far. */
  count = 0;

  constructor(sizeHint = 0) {
    this.#w = new ByteWriter(Math.max(64, sizeHint * 10));
    this.#w.byte(FORMAT_WORD_COUNTS);
    this.#w.ensure(4);
    this.#w.pos += 4;
  }

  add(word: string, count: number): void {
    this.#w.string(word);
    this.#w.varint(count);
    this.count++;
  }

  /** The word spelled by ASCII bytes[start, start + len) (its UTF-8 form is those bytes). */
  addAscii(bytes: Uint8Array, start: number, len: number, count: number): void {
    this.#w.varint(len);
    this.#w.bytes(bytes, start, len);
    this.#w.varint(count);
    this.count++;
  }

  finish(): Uint8Array {
    this.#w.uint32At(1, this.count);
    return this.#w.finish();
  }
}

/** Calls `visit` per entry without building pairs; the fast path of the reduce side. */
export function forEachWordCount(bytes: Uint8Array, visit: (word: string, count: number) => void): number {
  if (bytes.length < 5 || bytes[0] !== FORMAT_WORD_COUNTS) throw new CodecError('Not a word-counts block.');
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, true);
  const end = bytes.length;
  let pos = 5;
  for (let i = 0; i < n; i++) {
    if (pos >= end) throw new CodecError('Truncated word-counts block.');
    let len = bytes[pos++];
    if (len >= 0x80) {
      len &= 0x7f;
      let shift = 7;
      let b: number;
      do {
        if (pos >= end) throw new CodecError('Truncated word-counts block.');
        b = bytes[pos++];
        len |= (b & 0x7f) << shift;
        shift += 7;
      } while (b >= 0x80 && shift < 35);
    }
    if (pos + len >= end) throw new CodecError('Truncated word-counts block.');
    const word = readWtf8(bytes, pos, len);
    pos += len;
    let count = 0;
    let mul = 1;
    for (;;) {
      if (pos >= end) throw new CodecError('Truncated word-counts block.');
      const b = bytes[pos++];
      count += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 0x80;
    }
    visit(word, count);
  }
  if (pos !== end) throw new CodecError('Corrupt word-counts block: trailing bytes.');
  return n;
}

export function decodeWordCounts(bytes: Uint8Array): [string, number][] {
  const out: [string, number][] = [];
  forEachWordCount(bytes, (word, count) => {
    out.push([word, count]);
  });
  return out;
}
