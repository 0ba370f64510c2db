import type { EngineDb, EngineDbSchema } from './schema';
import { StorageFullError, isQuotaError } from './storageFullError';

type WritableStore = 'blocks' | 'inputs';

/**
 * Puts every value in one transaction: all of them commit or none does. A quota refusal becomes a
 * StorageFullError naming the store and the bytes that did not fit.
 */
export async function putAll<S extends WritableStore>(
  db: EngineDb,
  store: S,
  values: readonly EngineDbSchema[S]['value'][],
  bytes: number,
): Promise<void> {
  if (values.length === 0) return;
  // Blocks can be recomputed from lineage, so they need not wait for a flush to disk (like Spark's
  // shuffle files, written through the OS cache); inputs cannot, so they keep the default.
  const tx = db.transaction(store, 'readwrite', { durability: store === 'blocks' ? 'relaxed' : 'default' });
  const puts: Promise<unknown>[] = [];
  try {
    // Issue every put before awaiting anything, so the transaction cannot auto-commit half-way.
    for (const value of values) puts.push(tx.store.put(value));
    await Promise.all([...puts, tx.done]);
  } catch (error) {
    for (const put of puts) put.catch(() => undefined);
    tx.done.catch(() => undefined);
    // A put that throws synchronously leaves the earlier ones pending: abort so that none commits.
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    if (isQuotaError(error)) throw new StorageFullError(store, bytes);
    throw error;
  }
}
