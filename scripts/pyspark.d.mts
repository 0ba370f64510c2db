/** Types for scripts/pyspark.mjs (imported by the Playwright specs that run real Spark). */
export declare const PYSPARK_VERSION: string;
export declare function venvPython(root: string): string;
export declare function sparkHome(root: string): {
  home: string;
  sparkSubmit: string;
  sparkClass: string;
  env: NodeJS.ProcessEnv;
};
