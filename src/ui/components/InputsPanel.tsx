import { useId } from 'react';
import type { InputsApi } from '../hooks/useInputs';
import { formatBytes } from '../format';
import { sampleFile } from '../sampleText';
import { binaryNotice } from '../../common/sniffBinary';

interface Props {
  inputs: InputsApi;
  disabled: boolean;
  /** Notes from the last run about single files (e.g. invalid UTF-8 replaced), by input id. */
  notes: Record<string, string[]>;
}

export function InputsPanel({ inputs, disabled, notes }: Props) {
  const pickerId = useId();
  const total = inputs.files.reduce((sum, f) => sum + f.size, 0);

  return (
    <section aria-labelledby={`${pickerId}-title`} className="panel">
      <h2 id={`${pickerId}-title`}>Input files</h2>
      <div className="row">
        {/* The input sits inside its label, visually hidden but focusable, so the label looks like a button. */}
        <label className="button-like">
          Upload text files
          <input
            className="visually-hidden-file"
            type="file"
            multiple
            accept=".txt,.md,.csv,.tsv,.log,.json,text/*"
            disabled={disabled || inputs.busy}
            onChange={(e) => {
              const files = Array.from(e.currentTarget.files ?? []);
              // Reset so picking the same file again still fires change.
              e.currentTarget.value = '';
              void inputs.add(files);
            }}
          />
        </label>
        <button type="button" disabled={disabled || inputs.busy} onClick={() => void inputs.add([sampleFile()])}>
          Load sample text
        </button>
      </div>
      <p className="hint">…or drop text files anywhere on the page.</p>
      {inputs.error && (
        <p className="error" role="alert">
          {inputs.error}
        </p>
      )}
      {inputs.loaded && inputs.files.length === 0 ? (
        <p className="muted">No files yet.</p>
      ) : (
        <ul className="file-list" aria-label="Input files">
          {inputs.files.map((f) => (
            <li key={f.id}>
              <span className="file-name" title={f.name}>
                {f.name}
              </span>
              <span className="file-size">{formatBytes(f.size)}</span>
              <button
                type="button"
                className="small"
                aria-label={`Remove ${f.name}`}
                disabled={disabled}
                onClick={() => void inputs.remove(f.id)}
              >
                Remove
              </button>
              <FileNotes id={f.id} name={f.name} inputs={inputs} disabled={disabled} notes={notes[f.id] ?? []} />
            </li>
          ))}
        </ul>
      )}
      {inputs.files.length > 1 && (
        <p className="muted">
          {inputs.files.length} files, {formatBytes(total)}
        </p>
      )}
    </section>
  );
}

function FileNotes({
  id,
  name,
  inputs,
  disabled,
  notes,
}: {
  id: string;
  name: string;
  inputs: InputsApi;
  disabled: boolean;
  notes: string[];
}) {
  const binary = inputs.binary[id];
  if (!binary && notes.length === 0) return null;
  return (
    <div className="file-notes">
      {binary && (
        <>
          <p className="warn">
            {binary.countAnyway
              ? `${name} looks like ${binary.what}, but it is counted as text, as you asked.`
              : binaryNotice(name, binary.what)}
          </p>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={binary.countAnyway}
              disabled={disabled}
              onChange={(e) => inputs.setCountAnyway(id, e.currentTarget.checked)}
            />
            Count {name} anyway
          </label>
        </>
      )}
      {notes.map((n) => (
        <p key={n} className="warn">
          {n}
        </p>
      ))}
    </div>
  );
}
