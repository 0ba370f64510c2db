"""A job whose tasks for partitions 1 and 2 raise on their first attempt; Spark retries them as attempt 1.

Usage: spark-submit --master "local[2,4]" failing_tasks.py
(plain local[2] allows one attempt per task, so nothing would be retried)
"""

from pyspark import SparkContext, TaskContext

FAILING = (1, 2)


def fail_first_attempt(x):
    ctx = TaskContext.get()
    if ctx.partitionId() in FAILING and ctx.attemptNumber() == 0:
        raise RuntimeError(f"injected failure in partition {ctx.partitionId()} attempt {ctx.attemptNumber()}")
    return x * 2


if __name__ == "__main__":
    sc = SparkContext(appName="emberflow-failing-tasks")
    sc.setLogLevel("ERROR")
    total = sc.parallelize(range(40), 4).map(fail_first_attempt).sum()
    assert total == 2 * sum(range(40)), total
    sc.stop()
