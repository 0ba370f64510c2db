import { describe, expect, it } from 'vitest';
import { codecOf } from './codec';
import { looksLikeSparkLog, orderLogFiles } from './logFiles';

const files = (...names: string[]) => names.map((name) => ({ file: name, name }));
const order = (...names: string[]) => orderLogFiles(files(...names)).map((p) => `${p.name}:${p.codec}`);

describe('codecOf', () => {
  it('takes the codec from the suffix, as Spark does', () => {
    expect(codecOf('local-1700000000000')).toBe('plain');
    expect(codecOf('app-20240101120000-0001.zstd')).toBe('zstd');
    expect(codecOf('events_2_app-1.lz4')).toBe('lz4');
    expect(codecOf('local-1.lz4.inprogress')).toBe('lz4');
    expect(() => codecOf('local-1.snappy')).toThrow(/"snappy" cannot be opened here/);
    expect(() => codecOf('local-1.gz')).toThrow(/Emberflow reads plain, zstd and lz4/);
  });
});

describe('orderLogFiles', () => {
  it('reads a rolling folder in order of its index, skipping the status marker and checksum files', () => {
    expect(
      order(
        'events_3_app-1.zstd',
        'appstatus_app-1',
        'events_2_app-1.zstd',
        '.events_1_app-1.zstd.crc',
        'events_1_app-1.zstd',
      ),
    ).toEqual(['events_1_app-1.zstd:zstd', 'events_2_app-1.zstd:zstd', 'events_3_app-1.zstd:zstd']);
  });

  it('starts at the newest compacted file', () => {
    expect(order('events_1_a.compact', 'events_2_a.lz4.compact', 'events_3_a.lz4')).toEqual([
      'events_2_a.lz4.compact:lz4',
      'events_3_a.lz4:lz4',
    ]);
  });

  it('refuses a gap, two applications, a status file alone, and several single logs', () => {
    expect(() => order('events_1_a', 'events_3_a')).toThrow('events_2_a is missing from the rolling log');
    expect(() => order('events_2_a', 'events_3_a')).toThrow('events_1_a is missing');
    expect(() => order('events_1_a', 'events_1_b')).toThrow(/belong to 2 applications/);
    expect(() => order('appstatus_a')).toThrow(/choose the events_<n>_<app> files of its folder too/);
    expect(() => order('local-1', 'local-2')).toThrow(/Open one Spark application at a time/);
    expect(() => order('events_1_a', 'local-2')).toThrow(/local-2 is not part of a rolling event log folder/);
  });

  it('takes a single log on its own', () => {
    expect(order('local-1795839095558.lz4')).toEqual(['local-1795839095558.lz4:lz4']);
  });
});

describe('looksLikeSparkLog', () => {
  it('tells event logs from text files', () => {
    expect(looksLikeSparkLog(['events_1_local-1.zstd', 'appstatus_local-1'])).toBe(true);
    expect(looksLikeSparkLog(['local-1795839095558.lz4'])).toBe(true);
    expect(looksLikeSparkLog(['application_1700000000000_0001'])).toBe(true);
    expect(looksLikeSparkLog(['notes.txt'])).toBe(false);
    expect(looksLikeSparkLog(['local-1.lz4', 'notes.txt'])).toBe(false);
  });
});
