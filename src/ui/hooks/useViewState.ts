import { useSyncExternalStore } from 'react';
import type { ViewStore } from '../store/createViewStore';
import type { ViewState } from '../store/viewState';

/**
 * Subscribe to one slice of the view state. The selector must return a value that the reducer keeps
 * referentially stable while unchanged (a collection or object from the state, not a new array),
 * so a component re-renders only when its slice changes.
 */
export function useViewState<T>(store: ViewStore, select: (s: ViewState) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
