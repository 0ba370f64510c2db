// Files that exercise every difference between JavaScript's and Python's text handling we know of, as bytes.

export interface InputFile {
  name: string;
  bytes: Buffer;
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const raw = (...bytes: number[]) => Buffer.from(bytes);
const BOM = raw(0xef, 0xbb, 0xbf);

/** Lines that exercise every difference between JavaScript's and Python's Unicode handling we know of. */
const MULTIBYTE =
  'Ünïcödé naïve CAFÉ — straße STRASSE ẞ İstanbul ǅemal ﬃ Ωhm K\n' +
  'ΟΔΟΣ ΣΟΦΟΣ Σ ΑΣ. ΑΣ\u0345 Α\u0345Σ ΑΣ\u00adΒ σοφός ΌΣΟΣ\n' +
  'digits ٣٤٥ ४२ ১২৩ ௫ Ⅻ ⅻ ⓐⒶ 𝐀𝐁𝐂 ¹²³ ½\n' +
  '日本語のテキスト 中文 한국어 עברית العربية\n';
const EMOJI = "smile 😀😀 family 👨‍👩‍👧 flag 🇫🇷 keycap 1️⃣ don’t can't rock’n’roll 'quoted' it''s end'\n";
const SEPARATORS =
  'a\uFEFFb c\u001Cd e\u001Df g\u001Eh i\u001Fj k\u0085l m\u00A0n o\u2028p q\u2029r s\u200Bt u\u180Ev w\u3000x y\u1680z\n';
const COMBINING =
  'cafe\u0301 e\u0301te\u0301 A\u0308 n\u0303 \u0915\u093F\u0924\u093E\u092C Z\u0351\u036B \u0301alone\n';
// Ill-formed UTF-8: a byte that never occurs, an overlong form, encoded surrogates (lone and paired,
// what CESU-8 writes), a truncated 4-byte sequence, one cut by a line end, one beyond U+10FFFF, stray
// continuation bytes, and a literal U+FFFD that must stay one character.
const INVALID = Buffer.concat([
  utf8('bad'),
  raw(0xff),
  utf8('byte a'),
  raw(0xc0, 0xaf),
  utf8('b overlong '),
  raw(0xed, 0xa0, 0x80),
  utf8('lone x'),
  raw(0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80),
  utf8('pair y '),
  raw(0xf0, 0x9f, 0x98),
  utf8(' truncated '),
  raw(0xe2, 0x82),
  utf8('\ncut '),
  raw(0xf4, 0x90, 0x80, 0x80),
  utf8(' beyond '),
  raw(0x80, 0xbf),
  utf8('continuation\nliteral \uFFFD replacement Σ'),
  raw(0xff),
  utf8('Σ\n'),
]);

/**
 * The tricky files. big.txt is large enough that 12 input splits over it and the Brown corpus cut it in
 * two; its first word "xx" shifts that cut into the middle of a 2-byte character (the spec checks it).
 */
export function trickyFiles(): InputFile[] {
  const line = Buffer.concat([utf8(MULTIBYTE), utf8(EMOJI), utf8(SEPARATORS), INVALID, utf8('CRLF line\r\n')]);
  const big = Buffer.concat([
    BOM,
    utf8('xx'),
    ...Array.from({ length: 1500 }, () => line),
    utf8('last line, no newline ΑΣ'),
  ]);
  return [
    { name: 'multibyte.txt', bytes: utf8(MULTIBYTE) },
    { name: 'emoji.txt', bytes: utf8(EMOJI) },
    { name: 'separators.txt', bytes: utf8(SEPARATORS) },
    { name: 'combining.txt', bytes: utf8(COMBINING) },
    { name: 'invalid.txt', bytes: INVALID },
    {
      name: 'bom-crlf.txt',
      bytes: Buffer.concat([BOM, utf8('BOM first\r\nsecond\r\n\r\nthird\rline\r\n'), BOM, utf8('inner BOM\r\n')]),
    },
    { name: 'only-bom.txt', bytes: BOM },
    { name: 'big.txt', bytes: big },
  ];
}
