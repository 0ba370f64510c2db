/** Types for scripts/spark-logs/generate.mjs (imported by e2e/sparkImport.spec.ts). */
export declare const SCENARIOS: Record<'lz4' | 'zstd-rolling', { script: string; conf: Record<string, string> }>;
/** Runs every scenario with the installed Spark; the paths written, by scenario. */
export declare function generate(outDir: string): Promise<Record<'lz4' | 'zstd-rolling', string[]>>;
