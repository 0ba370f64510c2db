// The one place that names the Spark version the project is checked against, and how to launch it.
// scripts/ensure-pyspark.mjs installs it into `.venv/` (git-ignored).
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';

export const PYSPARK_VERSION = '4.3.0';

const bin = process.platform === 'win32' ? 'Scripts' : 'bin';

/** The virtual environment's python. */
export function venvPython(root) {
  return join(root, '.venv', bin, process.platform === 'win32' ? 'python.exe' : 'python');
}

/**
 * Where Spark lives and the environment its launchers need: the package's own `bin/spark-submit`,
 * `bin/spark-class`, with SPARK_HOME set (the venv's wrapper scripts do not find it on their own)
 * and the venv's python for PySpark's workers.
 */
export function sparkHome(root) {
  const r = spawnSync(venvPython(root), ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error('pyspark is not installed in .venv/: run `node scripts/ensure-pyspark.mjs`.');
  const home = r.stdout.trim();
  const python = venvPython(root);
  return {
    home,
    sparkSubmit: join(home, 'bin', 'spark-submit'),
    sparkClass: join(home, 'bin', 'spark-class'),
    env: {
      ...process.env,
      SPARK_HOME: home,
      PYSPARK_PYTHON: python,
      PYSPARK_DRIVER_PYTHON: python,
      PATH: `${join(root, '.venv', bin)}${delimiter}${process.env.PATH ?? ''}`,
    },
  };
}
