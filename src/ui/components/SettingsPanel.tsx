import { useId } from 'react';
import { FIELD_RULES, validateField, type NumericField, type SettingsForm } from '../settings';
import { NumberField } from './NumberField';

interface Props {
  form: SettingsForm;
  disabled: boolean;
  onChange(next: SettingsForm): void;
}

const FIELDS: { field: NumericField; step?: string; hint?: string }[] = [
  { field: 'workers', hint: 'Changing it restarts the workers.' },
  { field: 'inputSplits' },
  { field: 'shufflePartitions' },
  { field: 'taskDelayMs', step: '50', hint: 'Slows each task so you can watch and break things.' },
  { field: 'failureProbability', step: '0.05' },
  { field: 'seed' },
];

export function SettingsPanel({ form, disabled, onChange }: Props) {
  const id = useId();
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
              hint={hint}
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
          onChange={(e) => set('shuffleService', e.currentTarget.checked)}
        />
        Keep shuffle blocks when a worker dies
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={form.speculation}
          disabled={disabled}
          onChange={(e) => set('speculation', e.currentTarget.checked)}
        />
        Speculation
      </label>
    </section>
  );
}
