import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../protocol';
import { inProcessContext } from '../testing/inProcessContext';

const jobDescriptions = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'job.submitted' ? [e.description] : []));

describe("a sort's sampling job", () => {
  it('is described by the name of the RDD it samples, through narrow operators', async () => {
    const { ctx, events } = inProcessContext();
    const sorted = await ctx
      .parallelize([3, 1, 2], 2)
      .map((x) => [String(x), x] as [string, number])
      .setName('counts')
      .sortBy(([, n]) => n)
      .collect();
    expect(sorted.map(([, n]) => n)).toEqual([1, 2, 3]);
    const [sample, result] = jobDescriptions(events);
    expect(sample).toBe('sampling counts to split the sort');
    expect(result).toMatch(/^collect of /);
  });

  it('names the sampled RDD by its label when nobody named it', async () => {
    const { ctx, events } = inProcessContext();
    await ctx
      .parallelize([2, 1], 2)
      .sortBy((x) => x)
      .collect();
    expect(jobDescriptions(events)[0]).toMatch(/^sampling keyBy \(rdd \d+\) to split the sort$/);
  });
});
