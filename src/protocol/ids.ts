/** Executors are numbered from 1 in the order the pool starts them; the page calls them "worker <id>". */
export type ExecutorId = number;

/** Shuffle output of one map task for one reducer. */
export type ShuffleBlockId = `shuffle/${number}/${number}/${number}`;
/** A cached (persisted) partition of an RDD. */
export type RddBlockId = `rdd/${number}/${number}`;
/** A reliably checkpointed partition: written once, never owned by an executor. */
export type CheckpointBlockId = `checkpoint/${number}/${number}`;
/** A partition of a saved result dataset. */
export type DatasetBlockId = `dataset/${string}/${number}`;
export type BlockId = ShuffleBlockId | RddBlockId | CheckpointBlockId | DatasetBlockId;

export const shuffleBlockId = (shuffle: number, map: number, reduce: number): ShuffleBlockId =>
  `shuffle/${shuffle}/${map}/${reduce}`;
export const rddBlockId = (rdd: number, partition: number): RddBlockId => `rdd/${rdd}/${partition}`;
export const checkpointBlockId = (rdd: number, partition: number): CheckpointBlockId =>
  `checkpoint/${rdd}/${partition}`;
export const datasetBlockId = (dataset: string, partition: number): DatasetBlockId =>
  `dataset/${dataset}/${partition}`;
