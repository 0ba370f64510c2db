import { Linter } from 'eslint/universal';
import { describe, expect, it } from 'vitest';
import { importBoundaries } from '../eslint.boundaries.js';

// The boundary configs alone decide no-restricted-imports; the probes are plain import statements, so
// the default parser reads them and no TypeScript or React plugin is loaded.
const configs: Linter.Config[] = [{ files: ['**/*.{ts,tsx,js,mjs}'] }, ...importBoundaries];
const linter = new Linter({ configType: 'flat' });
// The first check loads the parser and compiles the rules (about half a second): do it while the file loads.
linter.verify('', configs, 'probe.js');

/** The lint messages for `source` saved at `file` (relative to the repository). */
function messages(file: string, source: string): string[] {
  return linter.verify(source, configs, file).map((m) => m.message);
}

const restricted = (path: string, why: RegExp) =>
  expect.stringMatching(
    new RegExp(
      `^'${path.replace(/[./]/g, '\\$&')}' import is restricted from being used by a pattern\\. ${why.source}`,
    ),
  );

describe('import boundaries (docs/ARCHITECTURE.md)', () => {
  it("apply each folder's own rule together with the rule that only tests import src/testing", () => {
    const source =
      "import { formatBytes } from '../ui/format';\nimport { harness } from '../testing/schedulerHarness';\n";
    expect(messages('src/engine/probe.ts', source)).toEqual([
      restricted('../ui/format', /engine never imports ui/),
      restricted(
        '../testing/schedulerHarness',
        /src\/testing holds the scheduler tests' .* only \*\.test\.ts files may import it/,
      ),
    ]);
    expect(messages('src/common/probe.ts', "import { EmberContext } from '../engine/context';\n")).toEqual([
      restricted('../engine/context', /common is a leaf/),
    ]);
    expect(messages('src/ui/probe.ts', "import { DagScheduler } from '../engine/dagScheduler';\n")).toEqual([
      restricted('../engine/dagScheduler', /ui imports the engine only through its public entry/),
    ]);
    expect(messages('src/ui/probe.ts', "import { plural } from '../engine';\n")).toEqual([]);
  });

  it('let tests import src/testing, and keep it from e2e, bench and scripts', () => {
    expect(messages('src/engine/probe.test.ts', "import { harness } from '../testing/schedulerHarness';\n")).toEqual(
      [],
    );
    for (const file of ['e2e/probe.ts', 'bench/probe.mjs', 'scripts/probe.mjs']) {
      expect(messages(file, "import { harness } from '../src/testing/schedulerHarness';\n"), file).toEqual([
        restricted('../src/testing/schedulerHarness', /src\/testing holds/),
      ]);
    }
  });
});
