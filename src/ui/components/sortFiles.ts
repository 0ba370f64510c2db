import type { StoredInputInfo } from '../engineTypes';

export type FileOrder = 'added' | 'name' | 'size';

export const FILE_ORDERS: { value: FileOrder; label: string }[] = [
  { value: 'added', label: 'Order added' },
  { value: 'name', label: 'Name' },
  { value: 'size', label: 'Size, largest first' },
];

const byName = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A sorted copy; ties keep the order the files were added in (Array.prototype.sort is stable). */
export function sortFiles(files: readonly StoredInputInfo[], order: FileOrder): StoredInputInfo[] {
  const copy = files.slice();
  if (order === 'name') copy.sort((a, b) => byName.compare(a.name, b.name));
  if (order === 'size') copy.sort((a, b) => b.size - a.size);
  return copy;
}
