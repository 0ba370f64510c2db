const REPLACEMENT = '\uFFFD';

/**
 * How many ill-formed UTF-8 sequences a decoder replaced by U+FFFD when it turned bytes[start, end)
 * into `decoded` (one string, or the lines it was split into): the U+FFFD characters produced minus
 * the U+FFFD characters the bytes spelled out themselves (EF BF BD). Cheap when there are none.
 */
export function replacedSequences(decoded: string | readonly string[], bytes: Uint8Array, start: number, end: number): number {
  let produced = 0;
  const count = (s: string) => {
    for (let i = s.indexOf(REPLACEMENT); i >= 0; i = s.indexOf(REPLACEMENT, i + 1)) produced++;
  };
  if (typeof decoded === 'string') count(decoded);
  else for (const s of decoded) count(s);
  if (produced === 0) return 0;
  let literal = 0;
  for (let i = bytes.indexOf(0xef, start); i >= 0 && i + 2 < end; i = bytes.indexOf(0xef, i + 1)) {
    if (bytes[i + 1] === 0xbf && bytes[i + 2] === 0xbd) literal++;
  }
  return produced - literal;
}
