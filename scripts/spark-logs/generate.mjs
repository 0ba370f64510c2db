// Generates fresh Spark event logs with the installed Spark (scripts/pyspark.mjs), for the import
// check (e2e/sparkImport.spec.ts) and by hand:
//
//   node scripts/spark-logs/generate.mjs OUT_DIR
//
// OUT_DIR/lz4/<app id>.lz4                      failing_tasks.py: tasks that fail on their first attempt,
//                                               one file, lz4 (lz4-java's block framing)
// OUT_DIR/zstd-rolling/eventlog_v2_<app id>/   fetch_failure.py: shuffle files deleted mid-job, a
//                                               FetchFailed and stage retries; a rolling log, zstd
//
// Both run with --master "local[2,4]": two cores, four attempts per task (plain local[2] never retries).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sparkHome } from '../pyspark.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

/** The scenarios: each is one spark-submit writing one application's log into OUT_DIR/<name>. */
export const SCENARIOS = {
  lz4: {
    script: 'failing_tasks.py',
    conf: {
      'spark.eventLog.compress': 'true',
      'spark.eventLog.compression.codec': 'lz4',
      // Spark 4 rolls by default; this scenario checks a single file.
      'spark.eventLog.rolling.enabled': 'false',
    },
  },
  'zstd-rolling': {
    script: 'fetch_failure.py',
    conf: {
      'spark.eventLog.compress': 'true',
      'spark.eventLog.compression.codec': 'zstd',
      'spark.eventLog.rolling.enabled': 'true',
    },
  },
};

function submit(spark, name, { script, conf }, outDir) {
  const logDir = join(outDir, name);
  mkdirSync(logDir, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), `emberflow-spark-${name}-`));
  const allConf = {
    ...conf,
    'spark.eventLog.enabled': 'true',
    'spark.eventLog.dir': logDir,
    'spark.local.dir': join(scratch, 'local'),
    'spark.ui.enabled': 'false',
  };
  mkdirSync(allConf['spark.local.dir']);
  const args = ['--master', 'local[2,4]', ...Object.entries(allConf).flatMap(([k, v]) => ['--conf', `${k}=${v}`])];
  args.push(join(here, script), scratch);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(spark.sparkSubmit, args, { env: spark.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(scratch, { recursive: true, force: true });
      if (code === 0) resolvePromise(readdirSync(logDir).map((f) => join(logDir, f)));
      else reject(new Error(`spark-submit ${script} exited with ${code}:\n${output.slice(-4000)}`));
    });
  });
}

/** Runs every scenario (at once: each is mostly JVM start-up) and returns the written paths by scenario. */
export async function generate(outDir) {
  const spark = sparkHome(root);
  rmSync(outDir, { recursive: true, force: true });
  const names = Object.keys(SCENARIOS);
  const written = await Promise.all(names.map((name) => submit(spark, name, SCENARIOS[name], outDir)));
  return Object.fromEntries(names.map((name, i) => [name, written[i]]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/spark-logs/generate.mjs OUT_DIR');
    process.exit(2);
  }
  const started = Date.now();
  const written = await generate(resolve(out));
  console.log(JSON.stringify(written, null, 2));
  console.log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
