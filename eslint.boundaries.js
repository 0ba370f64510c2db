// The import boundaries of the ESLint config: docs/ARCHITECTURE.md's "Folders and boundaries" made
// executable:
//   engine   never imports ui or executor
//   executor never imports engine or ui
//   protocol imports nothing outside src/protocol (types shared by both sides of the worker boundary)
//   storage, common never import engine, ui or executor
//   ui       imports the engine only through its public entry (src/engine/index.ts), never executor
//   sparkLog reads Spark's event logs (partly in a Web Worker): imports protocol and common only
//   testing  (the scheduler tests' backends) is imported by tests only
// Unit tests (*.test.ts) are exempt: they may reach into any module they test.
// Note: `new Worker(new URL('../executor/worker.ts', import.meta.url))` is not an import and is the
// intended way for the engine to start an executor.
//
// Kept apart from eslint.config.js so that src/importBoundaries.test.ts can check these rules without
// loading the TypeScript and React plugins.

export const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/** A restricted-import pattern for a sibling top-level folder of src/, reached by `../` or `src/`. */
function folder(name, why) {
  return {
    regex: `^((\\.\\./)+|(.*/)?src/)${name}(/.*)?$`,
    message: why,
  };
}

const TESTING = folder(
  'testing',
  "src/testing holds the scheduler tests' scripted and in-process backends: only *.test.ts files may import it (docs/ARCHITECTURE.md).",
);

/**
 * The import rule of one folder, the testing rule included. ESLint keeps one set of options per rule
 * and file (the last matching config wins), so a folder's patterns and the testing pattern must be
 * given together: a separate config for the testing rule would silently replace the folder's own.
 */
function boundary(dir, patterns) {
  return {
    name: `emberflow/boundaries/${dir}`,
    files: [`${dir}/**/*.{ts,tsx,js,mjs}`],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': ['error', { patterns: [...patterns, TESTING] }],
    },
  };
}

const ENGINE_UI = 'engine never imports ui (docs/ARCHITECTURE.md): the UI subscribes to the engine, not the reverse.';
const ENGINE_EXECUTOR =
  'engine never imports executor (docs/ARCHITECTURE.md): start executors with new Worker(new URL(...)) and talk through src/protocol.';
const EXECUTOR_ENGINE =
  'executor never imports engine (docs/ARCHITECTURE.md): it runs in a Web Worker; share types through src/protocol.';
const EXECUTOR_UI = 'executor never imports ui (docs/ARCHITECTURE.md).';
const SPARK_LOG =
  'sparkLog turns Spark event logs into events, partly inside a Web Worker: it imports only protocol and common (docs/ARCHITECTURE.md).';
const LEAF = (dir) =>
  `${dir} is a leaf shared by both sides of the worker boundary: it must not import engine, ui or executor (docs/ARCHITECTURE.md).`;

/** The import-boundary configs, one per folder (docs/ARCHITECTURE.md, "Folders and boundaries"). */
export const importBoundaries = [
  boundary('src/engine', [folder('ui', ENGINE_UI), folder('executor', ENGINE_EXECUTOR)]),
  boundary('src/executor', [folder('engine', EXECUTOR_ENGINE), folder('ui', EXECUTOR_UI)]),
  boundary('src/protocol', [
    {
      // Anything that is not `./x` inside src/protocol: parent paths, absolute paths, packages.
      regex: '^(?!\\./)',
      message:
        'src/protocol holds only types shared by both sides of the worker boundary: import nothing outside src/protocol (docs/ARCHITECTURE.md).',
    },
  ]),
  boundary('src/storage', [
    folder('engine', LEAF('storage')),
    folder('ui', LEAF('storage')),
    folder('executor', LEAF('storage')),
  ]),
  boundary('src/common', [
    folder('engine', LEAF('common')),
    folder('ui', LEAF('common')),
    folder('executor', LEAF('common')),
  ]),
  boundary('src/sparkLog', [
    folder('engine', SPARK_LOG),
    folder('ui', SPARK_LOG),
    folder('executor', SPARK_LOG),
    folder('storage', SPARK_LOG),
  ]),
  boundary('src/ui', [
    {
      // ../engine, ../../engine and ../engine/index are the public entry; anything deeper is not.
      regex: '^((\\.\\./)+|(.*/)?src/)engine/(?!(index(\\.tsx?)?)$).+',
      message: 'ui imports the engine only through its public entry src/engine/index.ts (docs/ARCHITECTURE.md).',
    },
    folder('executor', 'ui never imports executor (docs/ARCHITECTURE.md): it sees executors only through the engine.'),
  ]),
  // Folders with no boundary of their own still may not import src/testing.
  boundary('e2e', []),
  boundary('bench', []),
  boundary('scripts', []),
];
