/** IndexedDB refused a write for lack of quota. */
export class StorageFullError extends Error {
  override readonly name = 'StorageFullError';
  readonly code = 'STORAGE_FULL';

  constructor(
    readonly store: string,
    readonly bytes: number,
  ) {
    super(
      `IndexedDB refused to store ${formatMiB(bytes)} in '${store}' (quota exceeded). ` +
        'Free space or clear stored blocks, then run the job again.',
    );
  }
}

export function formatMiB(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function isQuotaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}
