// Runs one soak job inside the harness page (passed to page.evaluate, so it must be self-contained).
export async function runJobInPage(spec) {
  const sleep = (ms) => new Promise((res) => setTimeout(res, ms));
  const withTimeout = (p, ms) =>
    Promise.race([
      p.then(
        (value) => ({ value }),
        (error) => ({ error }),
      ),
      sleep(ms).then(() => ({ timeout: true })),
    ]);
  const out = { status: 'unknown', rows: null, reason: null, events: [], fired: [], faultErrors: [], timings: {} };

  // Inputs come from the soak's HTTP server as raw bytes.
  const files = await Promise.all(
    spec.files.map(async (f) => {
      const res = await fetch(f.url);
      if (!res.ok) throw new Error(`fetch ${f.url}: ${res.status}`);
      return new File([await res.arrayBuffer()], f.name, { type: 'text/plain' });
    }),
  );

  const { createContext } = window.emberflow;
  const ctx = createContext({ workers: spec.workers, name: spec.name });
  let started = 0;
  let endedOk = 0;
  let stagesDone = 0;
  let burstLeft = -1;
  const faults = spec.faults.map((f) => ({ ...f, done: false }));
  const live = () =>
    ctx
      .executors()
      .filter((e) => e.state.status !== 'lost')
      .map((e) => e.executorId);
  const choose = (ids, r) => (ids.length === 0 ? null : ids[Math.floor(r * ids.length)]);
  const clear = (f, filter) => {
    const p = ctx.chaos.clearBlocks(filter).then(
      (ids) => out.fired.push({ kind: f.kind, on: f.on, at: f.at, filter, cleared: ids.length }),
      (e) => out.faultErrors.push(`${f.kind}: ${String(e)}`),
    );
    pendingClears.push(p);
  };
  const pendingClears = [];

  const fire = (f, e) => {
    const eventExecutor = e.type === 'task.started' || e.type === 'task.ended' ? e.executorId : null;
    switch (f.kind) {
      case 'kill': {
        const id = choose(live(), f.r);
        const killed = id === null ? null : ctx.chaos.killExecutor(id);
        out.fired.push({ kind: f.kind, on: f.on, at: f.at, target: killed });
        break;
      }
      case 'killRunning':
      case 'silence':
      case 'hang': {
        const id = eventExecutor !== null && live().includes(eventExecutor) ? eventExecutor : choose(live(), f.r);
        if (id === null) break;
        if (f.kind === 'killRunning') ctx.chaos.killExecutor(id);
        else if (f.kind === 'silence') ctx.chaos.silenceExecutor(id);
        else ctx.chaos.hangExecutor(id);
        out.fired.push({ kind: f.kind, on: f.on, at: f.at, target: id });
        break;
      }
      case 'clearExecutor': {
        const owners = [
          ...new Set(
            ctx
              .blocks()
              .map((b) => b.owner)
              .filter((o) => o !== null && o !== undefined),
          ),
        ].sort((a, b) => a - b);
        const id = choose(owners.length > 0 ? owners : live(), f.r);
        if (id !== null) clear(f, { executor: id });
        break;
      }
      case 'clearShuffle':
        clear(f, { shuffle: f.shuffle });
        break;
      case 'clearFraction':
        clear(f, { fraction: f.fraction, seed: f.seed });
        break;
      case 'clearAllShuffle':
        clear(f, { kind: 'shuffle' });
        break;
      case 'failureBurst':
        ctx.configure({ failureProbability: f.p });
        burstLeft = f.tasks;
        out.fired.push({ kind: f.kind, on: f.on, at: f.at, p: f.p, tasks: f.tasks });
        break;
    }
  };

  ctx.events.subscribe((e) => {
    if (e.type === 'executor.heartbeat') return;
    const c = { type: e.type, time: Math.round(e.time) };
    for (const k of [
      'jobId',
      'stageId',
      'stageAttempt',
      'attempt',
      'partition',
      'executorId',
      'outcome',
      'speculative',
      'reason',
      'partitions',
      'taskId',
    ]) {
      if (k in e) c[k] = k === 'reason' && e.reason && typeof e.reason === 'object' ? e.reason.kind : e[k];
    }
    if (e.type === 'blocks.removed') c.count = e.blockIds.length;
    if (e.type === 'blocks.added') c.count = e.blocks.length;
    if (e.type === 'log') c.message = e.message;
    // How the task got its cached partition: 'cached', 'computed', 'recomputed', or 'waited' (recomputed
    // because the workers holding a copy stayed busy past the locality wait).
    if (e.type === 'task.ended' && e.cache)
      c.cache = e.cache.read === 'recomputed' && e.cache.busyHolders.length > 0 ? 'waited' : e.cache.read;
    out.events.push(c);
    if (e.type === 'task.started') started++;
    if (e.type === 'task.ended' && e.outcome === 'success') endedOk++;
    if (e.type === 'stage.completed') stagesDone++;
    if (e.type === 'task.ended' && burstLeft > 0 && --burstLeft === 0)
      ctx.configure({ failureProbability: spec.failureProbability });
    for (const f of faults) {
      if (f.done) continue;
      const count = f.on === 'taskStarted' ? started : f.on === 'taskEnded' ? endedOk : stagesDone;
      if (count < f.at) continue;
      f.done = true;
      try {
        fire(f, e);
      } catch (err) {
        out.faultErrors.push(`${f.kind}: ${String(err)}`);
      }
    }
  });

  const t0 = performance.now();
  try {
    ctx.configure({
      taskDelayMs: spec.taskDelayMs,
      failureProbability: spec.failureProbability,
      seed: spec.engineSeed,
      shuffleService: spec.shuffleService,
      speculation: spec.speculation,
    });
    const run = (async () => {
      const inputs = await ctx.inputs.add(files);
      return ctx
        .wordCount({
          inputs,
          tokenizer: spec.tokenizer,
          inputSplits: spec.inputSplits,
          shufflePartitions: spec.shufflePartitions,
        })
        .collect();
    })();
    const r = await withTimeout(run, spec.boundMs);
    if (r.timeout) {
      out.status = 'hung';
      out.reason = `no result within ${spec.boundMs} ms`;
    } else if ('error' in r) {
      out.status = 'aborted';
      out.reason = r.error instanceof Error ? `${r.error.name}: ${r.error.message}` : String(r.error);
    } else {
      out.status = 'succeeded';
      out.rows = r.value;
    }
  } catch (e) {
    out.status = 'aborted';
    out.reason = `threw before the job ran: ${String(e)}`;
  }
  out.timings.jobMs = Math.round(performance.now() - t0);
  await withTimeout(Promise.all(pendingClears), 5000);
  out.faultsNotFired = faults.filter((f) => !f.done).map((f) => f.kind);

  // ---- cleanup: stop, then check executors and the job's IndexedDB database
  const knownBlocks = new Set(ctx.blocks().map((b) => b.id));
  const t1 = performance.now();
  const stopped = await withTimeout(ctx.stop(), 15000);
  out.timings.stopMs = Math.round(performance.now() - t1);
  out.stopHung = !!stopped.timeout;
  out.stopError = stopped.error ? String(stopped.error) : null;
  out.executorsAfterStop = ctx.executors().length;
  out.knownBlocksAtStop = knownBlocks.size;
  // Deletes the engine issued fire-and-forget get a moment to land; nothing is deleted on our side first.
  await sleep(300);
  const dbName = `emberflow-${spec.name}`;
  const idbReq = (req) =>
    new Promise((res, rej) => {
      req.onsuccess = () => res(req.result);
      req.onerror = () => rej(req.error);
    });
  const { parseBlockId } = window.emberflow;
  try {
    const db = await idbReq(indexedDB.open(dbName));
    const stored = db.objectStoreNames.contains('blocks')
      ? await idbReq(db.transaction('blocks', 'readonly').objectStore('blocks').getAllKeys())
      : [];
    db.close();
    // With other tabs on the database (--tabs), only this engine's blocks are its leftovers.
    const ids = spec.shared ? stored.filter((id) => parseBlockId(String(id))?.app === ctx.app) : stored;
    const byKind = {};
    for (const id of ids) {
      const kind = parseBlockId(String(id))?.kind ?? 'unparsable';
      byKind[kind] = (byKind[kind] ?? 0) + 1;
    }
    out.blocksAfterStop = {
      total: ids.length,
      byKind,
      unknownToBlockMaster: ids.filter((id) => !knownBlocks.has(id)).length,
      sample: ids.slice(0, 5),
    };
  } catch (e) {
    out.blocksAfterStop = { total: -1, error: String(e) };
  }
  // The soak's own cleanup: delete the per-job database (a shared one is deleted once every tab is done).
  if (spec.shared) return out;
  const del = await withTimeout(
    new Promise((res, rej) => {
      const req = indexedDB.deleteDatabase(dbName);
      req.onsuccess = () => res('deleted');
      req.onerror = () => rej(req.error);
      req.onblocked = () => {
        out.dbDeleteBlocked = true;
      };
    }),
    10000,
  );
  out.dbDeleted = del.value === 'deleted';
  return out;
}
