import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createContext } from '../engine';
import { App } from './App';
import { EngineSession } from './EngineSession';
import { createViewStore } from './store/createViewStore';
import { loadSettings, validateField } from './settings';
import '@xyflow/react/dist/style.css';
import './styles.css';

const store = createViewStore();
const saved = loadSettings().workers;
const workers = validateField('workers', saved) === null ? Number(saved) : undefined;
// One engine per page; it outlives React re-renders (and StrictMode's double effects).
const session = new EngineSession(store, (n) => createContext({ workers: n }), workers ?? 2);
// No stop() on pagehide: unloading ends the workers anyway, and a run interrupted by a reload must keep
// its journal and shuffle blocks so that the next visit can resume it.

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App session={session} store={store} />
  </StrictMode>,
);
