/** Types for scripts/chromium.mjs (imported by playwright.config.ts). */
export declare const DEFAULT_CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): string | null;
export declare function chromiumPath(): string;
