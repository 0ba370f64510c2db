/**
 * The `words` tokenizer's contract computed independently of the engine, as the page's results TSV:
 * `word<TAB>count` lines, count descending, then word ascending in code-unit order.
 */
export function expectedTsv(texts: string[]): string {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const word of text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu) ?? []) {
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([w, n]) => `${w}\t${n}\n`)
    .join('');
}
