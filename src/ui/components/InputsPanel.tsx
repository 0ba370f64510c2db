import { useId, useMemo, useState } from 'react';
import type { InputsApi } from '../hooks/useInputs';
import { formatBytes, formatCount } from '../format';
import { sampleFile } from '../sampleText';
import { FileList } from './FileList';
import { FILE_ORDERS, sortFiles, type FileOrder } from './sortFiles';

interface Props {
  inputs: InputsApi;
  disabled: boolean;
  /** Notes from the last run about single files (e.g. invalid UTF-8 replaced), by input id. */
  notes: Record<string, string[]>;
}

/** Up to this many files the list is simply shown; more are collapsed behind their summary. */
const SHOWN_UP_TO = 12;

export function InputsPanel({ inputs, disabled, notes }: Props) {
  const id = useId();
  const [order, setOrder] = useState<FileOrder>('added');
  const [expanded, setExpanded] = useState(false);
  const { files } = inputs;
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const sorted = useMemo(() => sortFiles(files, order), [files, order]);
  const leftOut = files.length - inputs.counted.length;
  const collapsible = files.length > SHOWN_UP_TO;
  const summary = `${formatCount(files.length)} ${files.length === 1 ? 'file' : 'files'}, ${formatBytes(total)}`;

  return (
    <section aria-labelledby={`${id}-title`} className="panel">
      <h2 id={`${id}-title`}>Input files</h2>
      <div className="row">
        {/* The input sits inside its label, visually hidden but focusable, so the label looks like a button. */}
        <label className="button-like">
          Upload text files
          {/* No accept filter: files without an extension are text too, and binary ones are sniffed. */}
          <input
            className="visually-hidden-file"
            type="file"
            multiple
            disabled={disabled || inputs.busy}
            onChange={(e) => {
              const picked = Array.from(e.currentTarget.files ?? []);
              // Reset so picking the same file again still fires change.
              e.currentTarget.value = '';
              void inputs.add(picked);
            }}
          />
        </label>
        <button type="button" disabled={disabled || inputs.busy} onClick={() => void inputs.add([sampleFile()])}>
          Load sample text
        </button>
      </div>
      <p className="hint">…or drop files anywhere on the page. Files that look binary are left out.</p>
      {inputs.error && (
        <p className="error" role="alert">
          {inputs.error}
        </p>
      )}
      {inputs.loaded && files.length === 0 ? (
        <p className="muted">No files yet.</p>
      ) : (
        <>
          {files.length > 1 && (
            <div className="row file-tools">
              {collapsible ? (
                <button
                  type="button"
                  className="small"
                  aria-expanded={expanded}
                  aria-controls={`${id}-files`}
                  onClick={() => setExpanded((x) => !x)}
                >
                  {summary} {expanded ? '▾' : '▸'}
                </button>
              ) : (
                <span className="muted">{summary}</span>
              )}
              <select
                aria-label="Sort files"
                className="small"
                value={order}
                onChange={(e) => setOrder(e.currentTarget.value as FileOrder)}
              >
                {FILE_ORDERS.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="small danger"
                disabled={disabled || inputs.busy}
                onClick={() => void inputs.removeAll()}
              >
                Remove all
              </button>
            </div>
          )}
          {collapsible && leftOut > 0 && (
            <p className="warn">
              {formatCount(leftOut)} {leftOut === 1 ? 'file looks' : 'files look'} binary and{' '}
              {leftOut === 1 ? 'is' : 'are'} left out.
            </p>
          )}
          {(!collapsible || expanded) && (
            <FileList
              id={`${id}-files`}
              files={sorted}
              inputs={inputs}
              disabled={disabled}
              notes={notes}
              virtual={collapsible}
            />
          )}
        </>
      )}
    </section>
  );
}
