#!/usr/bin/env node
// Makes sure the pinned Apache Spark (the `pyspark` package: Spark's jars, spark-submit, spark-class)
// is installed in the project's own virtual environment, `.venv/` (git-ignored). The tests that check
// Emberflow against real Spark run it from there; nothing is installed outside the project.
// Needs python3 (3.9+) with venv, and Java 17 or newer for Spark itself.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PYSPARK_VERSION, venvPython } from './pyspark.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const python = venvPython(root);

function installedVersion() {
  if (!existsSync(python)) return null;
  const r = spawnSync(python, ['-c', 'import pyspark; print(pyspark.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) {
    console.error(`pyspark: \`${cmd} ${args.join(' ')}\` failed (${r.error?.message ?? `exit ${r.status}`}).`);
    console.error('Install python3 with its venv module (Debian: apt-get install python3-venv) and retry.');
    process.exit(1);
  }
}

function checkJava() {
  // `java -version` prints to standard error.
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error('pyspark: `java -version` failed. Spark needs Java 17 or newer on PATH (or JAVA_HOME).');
    process.exit(1);
  }
  return `${r.stderr}${r.stdout}`;
}

const have = installedVersion();
if (have !== PYSPARK_VERSION) {
  console.log(`pyspark: ${have ? `found ${have}` : 'not installed'}; installing ${PYSPARK_VERSION} into .venv/`);
  if (!existsSync(python)) run('python3', ['-m', 'venv', join(root, '.venv')]);
  run(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `pyspark==${PYSPARK_VERSION}`]);
}
const java = checkJava().split('\n')[0];
console.log(`pyspark: ${PYSPARK_VERSION} in .venv/ (${java})`);
