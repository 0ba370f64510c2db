import { isAppId, type AppId } from '../protocol/ids';

/**
 * Liveness of engine instances through the Web Locks API: a live engine holds an exclusive lock named
 * after its database and app id for its whole life. The browser releases it when the engine stops or
 * its tab closes, reloads or crashes, so "no lock" means "nobody will ever come back for these blocks
 * or this run", with no heartbeat to tune.
 */

const SEPARATOR = ' app ';

function lockName(dbName: string, app: AppId): string {
  return `${dbName}${SEPARATOR}${app}`;
}

function locks(): LockManager {
  const manager = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!manager) {
    throw new Error(
      'This browser does not provide the Web Locks API (navigator.locks), which the engine needs to tell ' +
        'engines in open tabs from closed ones. Open the page over https or localhost in a current browser.',
    );
  }
  return manager;
}

export interface AppLock {
  /** Resolves once the lock is held. */
  readonly held: Promise<void>;
  release(): void;
}

/** Takes the app's lock; it is held until release() or until the tab goes away. */
export function holdAppLock(dbName: string, app: AppId): AppLock {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let granted!: () => void;
  const held = new Promise<void>((resolve) => (granted = resolve));
  const request = locks().request(lockName(dbName, app), { mode: 'exclusive' }, () => {
    granted();
    return released;
  });
  return { held: Promise.race([held, request.then(() => undefined)]), release };
}

/** Apps on this database whose engines are alive in some tab (held or just requested locks). */
export async function liveApps(dbName: string): Promise<Set<AppId>> {
  const { held = [], pending = [] } = await locks().query();
  const prefix = dbName + SEPARATOR;
  const apps = new Set<AppId>();
  for (const lock of [...held, ...pending]) {
    const app = lock.name?.startsWith(prefix) ? lock.name.slice(prefix.length) : null;
    if (app !== null && isAppId(app)) apps.add(app);
  }
  return apps;
}
