import type { ExecutorId } from '../protocol';

export interface MapStatus {
  /** null: restored from an earlier session's journal, held by no live executor. */
  executorId: ExecutorId | null;
  /** Bytes written for each reduce partition; 0 means no block. */
  sizes: number[];
}

/**
 * One shuffle's map outputs and, as in Spark's ShuffleStatus, the checksum of each map partition's
 * output: here the first one computed, against which every recomputation is checked.
 */
interface ShuffleStatus {
  readonly statuses: (MapStatus | null)[];
  readonly checksums: (number | undefined)[];
}

/** The one source of truth for where each shuffle's map outputs live, and what they first held. */
export class MapOutputTracker {
  readonly #shuffles = new Map<number, ShuffleStatus>();

  registerShuffle(shuffleId: number, numMaps: number): void {
    if (!this.#shuffles.has(shuffleId)) {
      this.#shuffles.set(shuffleId, {
        statuses: new Array<MapStatus | null>(numMaps).fill(null),
        checksums: new Array<number | undefined>(numMaps),
      });
    }
  }

  /** Forgets a shuffle for good (the cleaner found that no RDD can read it any more). */
  unregisterShuffle(shuffleId: number): void {
    this.#shuffles.delete(shuffleId);
  }

  /** Shuffles registered, for tests that check that cleaned shuffles leave nothing behind. */
  get size(): number {
    return this.#shuffles.size;
  }

  #shuffle(shuffleId: number): ShuffleStatus {
    const shuffle = this.#shuffles.get(shuffleId);
    if (!shuffle) throw new Error(`Shuffle ${shuffleId} was never registered with the map-output tracker.`);
    return shuffle;
  }

  #statuses(shuffleId: number): (MapStatus | null)[] {
    return this.#shuffle(shuffleId).statuses;
  }

  /** Registers an output whose checksum is not known: one restored from an earlier session's journal. */
  registerOutput(shuffleId: number, map: number, status: MapStatus): void {
    this.#statuses(shuffleId)[map] = status;
  }

  /**
   * Registers the output a map task computed (Spark's ShuffleStatus.addMapOutput), unless its checksum
   * differs from the first one computed for that map partition: the map is non-deterministic, nothing is
   * registered and 'checksumChanged' is returned (the caller rolls the stage back).
   */
  addMapOutput(shuffleId: number, map: number, status: MapStatus, checksum: number): 'registered' | 'checksumChanged' {
    const shuffle = this.#shuffle(shuffleId);
    const first = shuffle.checksums[map];
    if (first !== undefined && first !== checksum) return 'checksumChanged';
    shuffle.checksums[map] = checksum;
    shuffle.statuses[map] = status;
    return 'registered';
  }

  /** Returns whether an output was registered (and is now gone). */
  unregisterOutput(shuffleId: number, map: number): boolean {
    const statuses = this.#statuses(shuffleId);
    const had = statuses[map] != null;
    statuses[map] = null;
    return had;
  }

  /**
   * Forgets every output of a shuffle and their checksums (its map stage is rolled back: the next
   * computation is the new reference); returns the maps that had an output.
   */
  unregisterAll(shuffleId: number): number[] {
    const { statuses, checksums } = this.#shuffle(shuffleId);
    const had: number[] = [];
    statuses.forEach((s, map) => {
      if (s != null) had.push(map);
      statuses[map] = null;
    });
    checksums.fill(undefined);
    return had;
  }

  /** Forgets every output written by an executor; returns what was lost, per shuffle. */
  removeOutputsOnExecutor(executorId: ExecutorId): Map<number, number[]> {
    const lost = new Map<number, number[]>();
    for (const [shuffleId, { statuses }] of this.#shuffles) {
      statuses.forEach((s, map) => {
        if (s?.executorId === executorId) {
          statuses[map] = null;
          lost.set(shuffleId, [...(lost.get(shuffleId) ?? []), map]);
        }
      });
    }
    return lost;
  }

  missing(shuffleId: number): number[] {
    const out: number[] = [];
    this.#statuses(shuffleId).forEach((s, map) => s == null && out.push(map));
    return out;
  }

  isAvailable(shuffleId: number): boolean {
    return this.#statuses(shuffleId).every((s) => s != null);
  }

  status(shuffleId: number, map: number): MapStatus | null {
    return this.#statuses(shuffleId)[map] ?? null;
  }

  /**
   * Map outputs a reducer must fetch: those with a non-empty block for it, plus every map whose output
   * is not registered (owner null), so that a reader meets a fetch failure instead of silently
   * skipping data (a task can be planned while a parent output is missing, e.g. behind a cached RDD).
   */
  locations(shuffleId: number, reduce: number): { map: number; owner: ExecutorId | null }[] {
    const out: { map: number; owner: ExecutorId | null }[] = [];
    this.#statuses(shuffleId).forEach((s, map) => {
      if (s == null) out.push({ map, owner: null });
      else if (s.sizes[reduce]! > 0) out.push({ map, owner: s.executorId });
    });
    return out;
  }
}
