import { fnv1a } from '../common/checksum';
import type { AppId } from '../protocol/ids';
import type { BlockRecord } from '../protocol/storage';

/**
 * Why a block read from storage cannot be trusted as the one asked for, or null if it can: it must
 * belong to the expected app and its payload must hash to the checksum written with it. Callers treat
 * a mismatch as a lost block (fetch failure, cache miss), never as data.
 */
export function blockMismatch(block: BlockRecord, app: AppId): string | null {
  if (block.app !== app) return `belongs to ${block.app ?? 'no app'}, not ${app}`;
  const actual = fnv1a(new Uint8Array(block.payload));
  if (actual !== block.checksum) return `has checksum ${actual}, not the ${block.checksum} written with it`;
  return null;
}
