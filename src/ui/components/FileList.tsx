import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { StoredInputInfo } from '../engineTypes';
import type { InputsApi } from '../hooks/useInputs';
import { formatBytes } from '../format';
import { binaryNotice } from '../../common/sniffBinary';

interface Props {
  id: string;
  files: StoredInputInfo[];
  inputs: InputsApi;
  disabled: boolean;
  notes: Record<string, string[]>;
  /** Render only the rows in view, in a scroll box of its own (thousands of files). */
  virtual: boolean;
}

const ROW_HEIGHT = 30;

export function FileList({ id, files, inputs, disabled, notes, virtual }: Props) {
  const row = (f: StoredInputInfo) => (
    <>
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
    </>
  );
  if (!virtual)
    return (
      <ul id={id} className="file-list" aria-label="Input files">
        {files.map((f) => (
          <li key={f.id}>{row(f)}</li>
        ))}
      </ul>
    );
  return <VirtualFileList id={id} files={files} row={row} />;
}

function VirtualFileList({
  id,
  files,
  row,
}: {
  id: string;
  files: StoredInputInfo[];
  row(f: StoredInputInfo): ReactNode;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: files.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (i) => files[i]!.id,
    overscan: 8,
  });
  return (
    <div ref={scroller} className="file-scroller">
      <ul
        id={id}
        className="file-list file-list-virtual"
        aria-label="Input files"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {virtualizer.getVirtualItems().map((v) => {
          const f = files[v.index]!;
          return (
            <li
              key={v.key}
              data-index={v.index}
              ref={virtualizer.measureElement}
              aria-setsize={files.length}
              aria-posinset={v.index + 1}
              style={{ transform: `translateY(${v.start}px)` }}
            >
              {row(f)}
            </li>
          );
        })}
      </ul>
    </div>
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
