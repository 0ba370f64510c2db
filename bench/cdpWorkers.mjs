// Chrome DevTools Protocol access to the page's dedicated workers (heap usage, CPU profiles).
// Playwright's CDPSession cannot address flattened child sessions, so this attaches to worker targets
// from a browser-level session in non-flattened mode and talks to them through
// Target.sendMessageToTarget / Target.receivedMessageFromTarget.

export class WorkerCdp {
  #browser;
  #sessions = new Map(); // targetId -> { sessionId, url }
  #pending = new Map(); // `${sessionId}:${id}` -> { resolve, reject }
  #nextId = 1;

  static async open(browser) {
    const session = await browser.newBrowserCDPSession();
    const cdp = new WorkerCdp(session);
    await session.send('Target.setDiscoverTargets', { discover: true });
    return cdp;
  }

  constructor(session) {
    this.#browser = session;
    session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
      const msg = JSON.parse(message);
      if (msg.id === undefined) return;
      const key = `${sessionId}:${msg.id}`;
      const p = this.#pending.get(key);
      if (!p) return;
      this.#pending.delete(key);
      if (msg.error) p.reject(new Error(`${msg.error.message}`));
      else p.resolve(msg.result);
    });
    session.on('Target.detachedFromTarget', ({ sessionId }) => {
      for (const [targetId, s] of this.#sessions) if (s.sessionId === sessionId) this.#sessions.delete(targetId);
    });
  }

  /** Attaches to every live dedicated worker whose URL matches `pattern`; returns their session ids. */
  async workers(pattern) {
    const { targetInfos } = await this.#browser.send('Target.getTargets');
    const live = targetInfos.filter((t) => t.type === 'worker' && pattern.test(t.url));
    for (const t of live) {
      if (this.#sessions.has(t.targetId)) continue;
      try {
        const { sessionId } = await this.#browser.send('Target.attachToTarget', {
          targetId: t.targetId,
          flatten: false,
        });
        this.#sessions.set(t.targetId, { sessionId, url: t.url });
      } catch {
        // the worker went away between listing and attaching
      }
    }
    const ids = new Set(live.map((t) => t.targetId));
    return [...this.#sessions].filter(([id]) => ids.has(id)).map(([, s]) => s.sessionId);
  }

  /** Sends one CDP command to a worker session; rejects after `timeoutMs`. */
  send(sessionId, method, params = {}, timeoutMs = 10_000) {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const key = `${sessionId}:${id}`;
      const timer = setTimeout(() => {
        this.#pending.delete(key);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      this.#pending.set(key, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.#browser
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((e) => {
          clearTimeout(timer);
          this.#pending.delete(key);
          reject(e);
        });
    });
  }

  async close() {
    await this.#browser.detach().catch(() => undefined);
  }
}
