// Types of eslint.boundaries.js, for src/importBoundaries.test.ts.
import type { Linter } from 'eslint';

export const TESTS: string[];
export const importBoundaries: Linter.Config[];
