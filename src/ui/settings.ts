import type { Tokenizer } from './engineTypes';

/** What the settings form holds: numbers stay text while the user types. */
export interface SettingsForm {
  tokenizer: Tokenizer;
  workers: string;
  inputSplits: string;
  shufflePartitions: string;
  taskDelayMs: string;
  failureProbability: string;
  seed: string;
  shuffleService: boolean;
  speculation: boolean;
}

export interface RunSettings {
  tokenizer: Tokenizer;
  workers: number;
  inputSplits: number;
  shufflePartitions: number;
  taskDelayMs: number;
  failureProbability: number;
  seed: number;
  shuffleService: boolean;
  speculation: boolean;
}

export type NumericField =
  'workers' | 'inputSplits' | 'shufflePartitions' | 'taskDelayMs' | 'failureProbability' | 'seed';

export type SettingsErrors = Partial<Record<NumericField, string>>;

export type ParsedSettings = { ok: true; settings: RunSettings } | { ok: false; errors: SettingsErrors };

interface FieldRule {
  label: string;
  min: number;
  max: number;
  integer: boolean;
  /** The upper bound is excluded (a failure probability of 1 could never finish). */
  maxExclusive?: boolean;
}

export const FIELD_RULES: Record<NumericField, FieldRule> = {
  workers: { label: 'Workers', min: 1, max: 16, integer: true },
  inputSplits: { label: 'Input splits', min: 1, max: 1000, integer: true },
  shufflePartitions: { label: 'Shuffle partitions', min: 1, max: 1000, integer: true },
  taskDelayMs: { label: 'Task delay (ms)', min: 0, max: 60_000, integer: true },
  failureProbability: { label: 'Failure probability', min: 0, max: 1, integer: false, maxExclusive: true },
  seed: { label: 'Seed', min: 0, max: 2 ** 32 - 1, integer: true },
};

export function defaultSettings(): SettingsForm {
  const cores = typeof navigator === 'undefined' ? 2 : navigator.hardwareConcurrency || 2;
  return {
    tokenizer: 'words',
    workers: String(Math.min(Math.max(cores, 2), 8)),
    inputSplits: '4',
    shufflePartitions: '4',
    taskDelayMs: '0',
    failureProbability: '0',
    seed: '42',
    shuffleService: false,
    speculation: false,
  };
}

export function validateField(field: NumericField, raw: string): string | null {
  const rule = FIELD_RULES[field];
  const text = raw.trim();
  if (text === '') return `${rule.label} is required.`;
  const value = Number(text);
  if (!Number.isFinite(value)) return `${rule.label} must be a number.`;
  if (rule.integer && !Number.isInteger(value)) return `${rule.label} must be a whole number.`;
  const tooHigh = rule.maxExclusive ? value >= rule.max : value > rule.max;
  if (value < rule.min || tooHigh) {
    const upper = rule.maxExclusive ? `less than ${rule.max}` : `at most ${rule.max}`;
    return `${rule.label} must be at least ${rule.min} and ${upper}.`;
  }
  return null;
}

export function parseSettings(form: SettingsForm): ParsedSettings {
  const errors: SettingsErrors = {};
  for (const field of Object.keys(FIELD_RULES) as NumericField[]) {
    const error = validateField(field, form[field]);
    if (error) errors[field] = error;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      tokenizer: form.tokenizer,
      workers: Number(form.workers),
      inputSplits: Number(form.inputSplits),
      shufflePartitions: Number(form.shufflePartitions),
      taskDelayMs: Number(form.taskDelayMs),
      failureProbability: Number(form.failureProbability),
      seed: Number(form.seed),
      shuffleService: form.shuffleService,
      speculation: form.speculation,
    },
  };
}

const STORAGE_KEY = 'emberflow.settings';

/** Settings survive a reload like the files do; anything unreadable falls back to the defaults. */
export function loadSettings(): SettingsForm {
  const defaults = defaultSettings();
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return defaults;
    const saved: unknown = JSON.parse(raw);
    if (typeof saved !== 'object' || saved === null) return defaults;
    const merged = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof SettingsForm)[]) {
      const value = (saved as Record<string, unknown>)[key];
      if (typeof value === typeof defaults[key]) (merged as Record<string, unknown>)[key] = value;
    }
    if (merged.tokenizer !== 'words' && merged.tokenizer !== 'whitespace') merged.tokenizer = 'words';
    return merged;
  } catch {
    return defaults;
  }
}

export function saveSettings(form: SettingsForm): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(form));
  } catch {
    // Private mode or a full quota: settings just won't persist.
  }
}
