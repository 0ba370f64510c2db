/** Results as UTF-8 TSV: one `word\tcount` line each, no header, in the order given. */
export function toTsv(results: readonly (readonly [string, number])[]): string {
  let out = '';
  for (const [word, count] of results) out += `${word}\t${count}\n`;
  return out;
}

/** Start a download of text without building any markup from it. */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
