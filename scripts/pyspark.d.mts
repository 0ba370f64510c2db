/** Types for scripts/pyspark.mjs (imported by Playwright specs). */
export declare const PYSPARK_VERSION: string;
export declare function venvPython(root: string): string;
export declare function sparkHome(root: string): {
  home: string;
  sparkSubmit: string;
  sparkClass: string;
  env: NodeJS.ProcessEnv;
};
