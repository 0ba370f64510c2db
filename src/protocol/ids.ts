/** Executors are numbered from 1 in the order the pool starts them; the page calls them "worker <id>". */
export type ExecutorId = number;

/**
 * One engine instance (a tab, or each context in a tab): `app-` and 12 hex digits, unique per
 * createContext. Every block id carries it, so that engines sharing a database never read, count or
 * delete each other's blocks (executor numbers and shuffle ids restart at 1 and 0 in every engine).
 */
export type AppId = `app-${string}`;

/** Shuffle output of one map task for one reducer, under the app whose shuffle it is. */
export type ShuffleBlockId = `shuffle/${AppId}/${number}/${number}/${number}`;
/** A cached (persisted) partition of an RDD. */
export type RddBlockId = `rdd/${AppId}/${number}/${number}`;
/** A reliably checkpointed partition: written once, never owned by an executor. */
export type CheckpointBlockId = `checkpoint/${AppId}/${number}/${number}`;
/** A partition of a saved result dataset. */
export type DatasetBlockId = `dataset/${AppId}/${string}/${number}`;
export type BlockId = ShuffleBlockId | RddBlockId | CheckpointBlockId | DatasetBlockId;
export type BlockKind = 'shuffle' | 'rdd' | 'checkpoint' | 'dataset';

export function newAppId(): AppId {
  return `app-${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export function isAppId(value: string): value is AppId {
  return /^app-[0-9a-z]+$/.test(value);
}

export const shuffleBlockId = (app: AppId, shuffle: number, map: number, reduce: number): ShuffleBlockId =>
  `shuffle/${app}/${shuffle}/${map}/${reduce}`;
export const rddBlockId = (app: AppId, rdd: number, partition: number): RddBlockId => `rdd/${app}/${rdd}/${partition}`;
export const checkpointBlockId = (app: AppId, rdd: number, partition: number): CheckpointBlockId =>
  `checkpoint/${app}/${rdd}/${partition}`;
export const datasetBlockId = (app: AppId, dataset: string, partition: number): DatasetBlockId =>
  `dataset/${app}/${dataset}/${partition}`;

/** Prefix of every block of one shuffle (all maps, all reducers). */
export const shufflePrefix = (app: AppId, shuffle: number): string => `shuffle/${app}/${shuffle}/`;
/** Prefix of every cached partition of one RDD. */
export const rddPrefix = (app: AppId, rdd: number): string => `rdd/${app}/${rdd}/`;
/** Prefix of every block of one kind, of any app. */
export const kindPrefix = (kind: BlockKind): string => `${kind}/`;

export type ParsedBlockId =
  | { kind: 'shuffle'; app: AppId; shuffle: number; map: number; reduce: number }
  | { kind: 'rdd'; app: AppId; rdd: number; partition: number }
  | { kind: 'checkpoint'; app: AppId; rdd: number; partition: number }
  | { kind: 'dataset'; app: AppId; dataset: string; partition: number };

const count = (s: string | undefined): number | null => (s !== undefined && /^\d+$/.test(s) ? Number(s) : null);

/** The parts of a block id, or null for anything else (e.g. an id written by an older version). */
export function parseBlockId(id: string): ParsedBlockId | null {
  const parts = id.split('/');
  const [kind, app] = parts;
  if (app === undefined || !isAppId(app)) return null;
  if (kind === 'shuffle' && parts.length === 5) {
    const [shuffle, map, reduce] = parts.slice(2).map(count);
    return shuffle != null && map != null && reduce != null ? { kind, app, shuffle, map, reduce } : null;
  }
  if ((kind === 'rdd' || kind === 'checkpoint') && parts.length === 4) {
    const [rdd, partition] = parts.slice(2).map(count);
    return rdd != null && partition != null ? { kind, app, rdd, partition } : null;
  }
  if (kind === 'dataset' && parts.length >= 4) {
    // A dataset's name may itself contain '/': the partition is the last part.
    const partition = count(parts[parts.length - 1]);
    return partition != null ? { kind, app, dataset: parts.slice(2, -1).join('/'), partition } : null;
  }
  return null;
}

export const isShuffleBlockId = (id: string): boolean => id.startsWith(kindPrefix('shuffle'));
export const isRddBlockId = (id: string): boolean => id.startsWith(kindPrefix('rdd'));

/** The app a block id belongs to (null for ids this version does not write). */
export function appOfBlock(id: string): AppId | null {
  return parseBlockId(id)?.app ?? null;
}

/** Blocks named by what they belong to: every block of some apps, and every block of some shuffles. */
export interface BlockSet {
  readonly apps?: ReadonlySet<AppId>;
  readonly shuffles?: readonly { readonly app: AppId; readonly shuffle: number }[];
}

/**
 * The ids that are in `set` ('in'), or the ids that are not ('out'): the one way stored blocks are
 * picked for deletion (an engine's own when it stops, a discarded run's shuffles, blocks of engines
 * that are gone). Ids this version does not write belong to no set.
 */
export function pickBlockIds(ids: readonly string[], set: BlockSet, which: 'in' | 'out'): string[] {
  const shuffles = new Set((set.shuffles ?? []).map((s) => `${s.app}/${s.shuffle}`));
  const inSet = (id: string): boolean => {
    const block = parseBlockId(id);
    if (!block) return false;
    if (set.apps?.has(block.app)) return true;
    return block.kind === 'shuffle' && shuffles.has(`${block.app}/${block.shuffle}`);
  };
  return ids.filter((id) => inSet(id) === (which === 'in'));
}
