import { useId } from 'react';
import { FIELD_RULES, validateField, type NumericField, type SettingsForm } from '../settings';
import type { ViewState } from '../store/viewState';
import type { ViewStore } from '../store/createViewStore';
import { useViewState } from '../hooks/useViewState';
import { NumberField } from './NumberField';

interface Props {
  store: ViewStore;
  form: SettingsForm;
  disabled: boolean;
  onChange(next: SettingsForm): void;
}

const FIELDS: { field: NumericField; step?: string; hint?: string }[] = [
  { field: 'workers', hint: 'Changing it restarts the workers.' },
  { field: 'inputSplits', hint: 'A minimum: large files are split further, so a run may read more.' },
  { field: 'shufflePartitions' },
  { field: 'taskDelayMs', step: '50', hint: 'Slows each task so you can watch and break things.' },
  { field: 'failureProbability', step: '0.05' },
  { field: 'seed' },
];

/** The input splits the current (or last) run really read: its text stage's partition count. */
function runInputSplits(s: ViewState): number | null {
  for (const job of s.jobs) {
    if (job.jobId < s.runFirstJobId) continue;
    for (const stageId of job.stageIds) {
      const info = s.stages[stageId]?.info;
      if (info?.operations[0] === 'textFile') return info.numPartitions;
    }
  }
  return null;
}

export function SettingsPanel({ store, form, disabled, onChange }: Props) {
  const id = useId();
  const actualSplits = useViewState(store, runInputSplits);
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => onChange({ ...form, [key]: value });

  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <h2 id={`${id}-title`}>Settings</h2>
      <div className="settings-grid">
        <div className="field">
          <label htmlFor={`${id}-tokenizer`}>Tokenizer</label>
          <select
            id={`${id}-tokenizer`}
            value={form.tokenizer}
            disabled={disabled}
            onChange={(e) => set('tokenizer', e.currentTarget.value === 'whitespace' ? 'whitespace' : 'words')}
          >
            <option value="words">words</option>
            <option value="whitespace">whitespace</option>
          </select>
        </div>
        {FIELDS.map(({ field, step, hint }) => {
          const rule = FIELD_RULES[field];
          return (
            <NumberField
              key={field}
              label={rule.label}
              value={form[field]}
              error={validateField(field, form[field])}
              step={step ?? (rule.integer ? '1' : 'any')}
              min={rule.min}
              max={rule.maxExclusive ? undefined : rule.max}
              hint={
                field === 'inputSplits' && actualSplits !== null
                  ? `${hint ?? ''} The last run read ${actualSplits}.`
                  : hint
              }
              disabled={disabled}
              onChange={(v) => set(field, v)}
            />
          );
        })}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={form.shuffleService}
          disabled={disabled}
          aria-describedby={`${id}-shuffle-hint`}
          onChange={(e) => set('shuffleService', e.currentTarget.checked)}
        />
        Keep shuffle blocks when a worker dies
      </label>
      <small id={`${id}-shuffle-hint`} className="hint check-hint">
        Like Spark&apos;s external shuffle service: a killed worker&apos;s map outputs stay readable, so nothing reruns.
      </small>
      <label className="check">
        <input
          type="checkbox"
          checked={form.speculation}
          disabled={disabled}
          aria-describedby={`${id}-speculation-hint`}
          onChange={(e) => set('speculation', e.currentTarget.checked)}
        />
        Speculation
      </label>
      <small id={`${id}-speculation-hint`} className="hint check-hint">
        Starts a second copy of a task running much slower than the others; the first to finish wins.
      </small>
    </section>
  );
}
