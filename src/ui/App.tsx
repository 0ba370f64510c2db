import { useEffect, useState } from 'react';
import type { EngineSession } from './EngineSession';
import type { ViewStore } from './store/createViewStore';
import { useInputs } from './hooks/useInputs';
import { useFileDrop } from './hooks/useFileDrop';
import { useWordCountRun } from './hooks/useWordCountRun';
import { parseSettings, saveSettings, type SettingsForm, loadSettings } from './settings';
import { InputsPanel } from './components/InputsPanel';
import { SettingsPanel } from './components/SettingsPanel';
import { RunControls } from './components/RunControls';
import { InterruptedRunPanel } from './components/InterruptedRunPanel';
import type { StoredRun } from './engineTypes';
import { ResultsPanel } from './components/ResultsPanel';
import { DagView } from './components/DagView';
import { WorkersPanel } from './components/WorkersPanel';
import { StoragePanel } from './components/StoragePanel';
import { EventLog } from './components/EventLog';
import { Timeline } from './components/Timeline';
import { ReliabilityPanel } from './components/ReliabilityPanel';
import { TopWordsChart } from './components/TopWordsChart';
import { JobHistory } from './components/JobHistory';
import { ExportPySparkButton } from './components/ExportPySparkButton';
import { SparkLogImport } from './components/SparkLogImport';
import { useSparkLogImport } from './hooks/useSparkLogImport';
import { looksLikeSparkLog } from '../sparkLog/logFiles';
import { Incidents } from './components/Incidents';

const NO_FILES = 'Add at least one text file, or load the sample text.';
const ONLY_BINARY = 'Every file looks binary and is left out: add a text file, or tick "Count … anyway" for a file.';

export function App({ session, store }: { session: EngineSession; store: ViewStore }) {
  const inputs = useInputs(session);
  const run = useWordCountRun(session, store);
  const [form, setForm] = useState<SettingsForm>(loadSettings);
  const [attempted, setAttempted] = useState(false);
  const running = run.state.status === 'running';
  const spark = useSparkLogImport(session);
  const dragging = useFileDrop((files) => {
    if (running) return;
    void (looksLikeSparkLog(files.map((f) => f.name)) ? spark.open(files) : inputs.add(files));
  });

  const parsed = parseSettings(form);
  useEffect(() => saveSettings(form), [form]);

  // Restart the pool soon after the worker count settles, so the Workers panel shows the new count
  // before the next run; the debounce avoids a restart per keystroke ("1", then "12").
  const workerCount = parsed.ok ? parsed.settings.workers : null;
  useEffect(() => {
    if (workerCount === null || running || workerCount === session.workers) return;
    const timer = setTimeout(() => void session.withWorkers(workerCount), 600);
    return () => clearTimeout(timer);
  }, [workerCount, running, session]);

  const problems = [
    ...(inputs.loaded && inputs.files.length === 0 ? [NO_FILES] : []),
    ...(inputs.files.length > 0 && inputs.counted.length === 0 ? [ONLY_BINARY] : []),
    ...(parsed.ok ? [] : Object.values(parsed.errors)),
  ];

  const onRun = () => {
    setAttempted(true);
    if (problems.length > 0 || !parsed.ok) return;
    void run.start(parsed.settings, inputs.counted);
  };

  const onResume = (interrupted: StoredRun) => {
    if (parsed.ok) void run.resume(parsed.settings, interrupted);
  };

  const results = run.state.status === 'succeeded' ? run.state.results : null;

  return (
    <div className="app">
      <header className="app-header">
        <h1>Emberflow</h1>
        <p>A fault-tolerant word count that runs in this tab: kill workers, clear blocks, and watch it recover.</p>
      </header>
      <div className="layout">
        {/* Run, Cancel, the status and a resume offer first: in view with any number of files. */}
        <aside className="controls">
          <RunControls run={run.state} problems={problems} attempted={attempted} onRun={onRun} onCancel={run.cancel} />
          <InterruptedRunPanel session={session} disabled={running} onResume={onResume} />
          <InputsPanel inputs={inputs} disabled={running} notes={run.inputNotes} />
          <SettingsPanel store={store} form={form} disabled={running} onChange={setForm} />
          <ExportPySparkButton settings={parsed.ok ? parsed.settings : null} />
          <SparkLogImport spark={spark} disabled={running} />
        </aside>
        <main className="views">
          <DagView store={store} />
          <Timeline store={store} />
          <Incidents store={store} />
          <EventLog store={store} session={session} />
          <div className="two-up">
            <WorkersPanel store={store} session={session} />
            <StoragePanel store={store} session={session} />
          </div>
          <div className="two-up">
            <ResultsPanel results={results} />
            <TopWordsChart results={results} />
          </div>
          <div className="two-up">
            <ReliabilityPanel store={store} run={run.state} />
            <JobHistory store={store} runs={run.history} />
          </div>
        </main>
      </div>
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop text files to add them
        </div>
      )}
    </div>
  );
}
