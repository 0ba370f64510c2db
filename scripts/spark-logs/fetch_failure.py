"""A job whose shuffle files are deleted while it runs, which forces a FetchFailed and a stage retry.

Stages: 0 writes a shuffle, 1 reads it and writes another, 2 reads that one (4 partitions). In the
first attempt of stage 2, the task of partition 0 deletes every shuffle_* file under spark.local.dir
and then leaves a marker; the other first-attempt tasks wait for the marker, so the tasks that start
after them (partitions 2 and 3 on two cores) find their shuffle input gone and fail with FetchFailed.
Spark then unregisters the outputs on that executor and reruns the map stages as attempt 1, and stage
2 as attempt 1 with the partitions that had not finished.

Usage: spark-submit --master "local[2,4]" --conf spark.local.dir=DIR fetch_failure.py MARKER_DIR
"""

import os
import sys
import time
from operator import add

from pyspark import SparkContext, TaskContext

MARKER_WAIT_S = 60


def delete_shuffle_files(local_dir):
    deleted = 0
    for root, _dirs, files in os.walk(local_dir):
        for name in files:
            if name.startswith("shuffle_"):
                os.remove(os.path.join(root, name))
                deleted += 1
    return deleted


def lose_shuffle_once(local_dir, marker_dir):
    marker = os.path.join(marker_dir, "shuffle-files-deleted")

    def run(index, rows):
        # PySpark's TaskContext has no stage attempt number: the marker says the deletion happened, so
        # the retried stage attempt runs normally.
        if TaskContext.get().attemptNumber() == 0 and not os.path.exists(marker):
            if index == 0:
                # Every shuffle's files: Spark numbers shuffles when the scheduler first walks the
                # lineage, from the last RDD back, so the ids say nothing about which stage reads which.
                if delete_shuffle_files(local_dir) == 0:
                    raise RuntimeError(f"no shuffle_* files under {local_dir}")
                open(marker, "w").close()
            else:
                deadline = time.time() + MARKER_WAIT_S
                while not os.path.exists(marker):
                    if time.time() > deadline:
                        raise RuntimeError("partition 0 never deleted the shuffle files")
                    time.sleep(0.05)
        return rows

    return run


if __name__ == "__main__":
    marker_dir = sys.argv[1]
    sc = SparkContext(appName="emberflow-fetch-failure")
    sc.setLogLevel("ERROR")
    local_dir = sc.getConf().get("spark.local.dir")
    words = sc.parallelize([f"w{i % 50}" for i in range(2000)], 2)
    counts = words.map(lambda w: (w, 1)).reduceByKey(add, 2)  # a shuffle
    # Eight keys over four reduce partitions: every map output has data for every reducer, so every
    # reducer really fetches (Spark skips empty blocks).
    by_group = counts.map(lambda kv: (int(kv[0][1:]) % 8, kv[1])).reduceByKey(add, 4)  # another shuffle
    result = dict(by_group.mapPartitionsWithIndex(lose_shuffle_once(local_dir, marker_dir)).collect())
    expected = {k: 40 * sum(1 for i in range(50) if i % 8 == k) for k in range(8)}
    assert result == expected, result
    sc.stop()
