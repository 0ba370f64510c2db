import { useId } from 'react';

interface Props {
  label: string;
  value: string;
  error: string | null;
  step?: string;
  min?: number;
  max?: number;
  hint?: string;
  disabled?: boolean;
  onChange(value: string): void;
}

/** A labelled number input whose error message is tied to it for screen readers. */
export function NumberField({ label, value, error, step, min, max, hint, disabled, onChange }: Props) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        value={value}
        step={step}
        min={min}
        max={max}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      />
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error">
          {error}
        </small>
      )}
    </div>
  );
}
