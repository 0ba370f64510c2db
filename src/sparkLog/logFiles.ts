import { codecOf, type SparkLogCodec } from './codec';

/** One file to read, in order, with its codec. */
export interface LogPart<F> {
  file: F;
  name: string;
  codec: SparkLogCodec;
}

export class LogFilesError extends Error {
  override name = 'LogFilesError';
}

const EVENTS = /^events_(\d+)_(.+?)(\.compact)?(\.[a-z0-9]+)?(\.compact)?$/;

/** Hadoop's checksum files (".name.crc") and hidden files are never part of a log. */
const ignored = (name: string) => name.startsWith('.') || name.endsWith('.crc');

/**
 * The files of one Spark application's event log, in reading order. Either a single log file
 * (`app-20240101…` or `local-…`, with a codec suffix when compressed), or the files of a Spark 4
 * rolling log folder (`eventlog_v2_<app>/`: `events_<n>_<app>[.<codec>]`, read in order of n, and an
 * `appstatus_<app>` marker, which holds no events). When the folder was compacted, reading starts at
 * the newest `.compact` file, as Spark's reader does. Anything else (two applications, a gap in the
 * numbering, several single logs) is refused with a message saying what to open instead.
 */
export function orderLogFiles<F>(files: readonly { file: F; name: string }[]): LogPart<F>[] {
  const relevant = files.filter((f) => !ignored(f.name));
  if (relevant.length === 0) throw new LogFilesError('No Spark event log among the chosen files.');
  const rolling = relevant.filter((f) => EVENTS.test(f.name));
  const status = relevant.filter((f) => f.name.startsWith('appstatus_'));
  const others = relevant.filter((f) => !EVENTS.test(f.name) && !f.name.startsWith('appstatus_'));

  if (rolling.length === 0 && status.length === 0) {
    if (others.length > 1) {
      throw new LogFilesError(
        `Open one Spark application at a time: ${others.map((f) => f.name).join(', ')} look like ${others.length} separate event logs.`,
      );
    }
    const only = others[0]!;
    return [{ file: only.file, name: only.name, codec: codecOf(only.name) }];
  }
  if (others.length > 0) {
    throw new LogFilesError(
      `${others.map((f) => f.name).join(', ')} ${others.length === 1 ? 'is' : 'are'} not part of a rolling event log folder (events_<n>_<app> files): open ${others.length === 1 ? 'it' : 'them'} on ${others.length === 1 ? 'its' : 'their'} own.`,
    );
  }
  if (rolling.length === 0) {
    throw new LogFilesError(
      `${status.map((f) => f.name).join(', ')} only marks a rolling log's status; choose the events_<n>_<app> files of its folder too.`,
    );
  }
  const parsed = rolling.map((f) => {
    const m = EVENTS.exec(f.name)!;
    const compact = m[3] !== undefined || m[5] !== undefined;
    const codecName = compact ? f.name.replace(/\.compact$/, '').replace('.compact', '') : f.name;
    return { ...f, index: Number(m[1]), app: m[2]!, compact, codec: codecOf(codecName) };
  });
  const apps = [...new Set(parsed.map((p) => p.app))];
  if (apps.length > 1) {
    throw new LogFilesError(
      `The chosen files belong to ${apps.length} applications (${apps.join(', ')}): open one at a time.`,
    );
  }
  parsed.sort((a, b) => a.index - b.index);
  const lastCompact = parsed.findLastIndex((p) => p.compact);
  const read = lastCompact >= 0 ? parsed.slice(lastCompact) : parsed;
  for (let i = 1; i < read.length; i++) {
    if (read[i]!.index !== read[i - 1]!.index + 1) {
      throw new LogFilesError(
        `events_${read[i - 1]!.index + 1}_${apps[0]} is missing from the rolling log: choose every file of its folder.`,
      );
    }
  }
  if (lastCompact < 0 && read[0]!.index !== 1) {
    throw new LogFilesError(`events_1_${apps[0]} is missing from the rolling log: choose every file of its folder.`);
  }
  return read.map((p) => ({ file: p.file, name: p.name, codec: p.codec }));
}

/**
 * Whether dropped files are a Spark event log rather than text to count: the files of a rolling log
 * folder, or a single log named by its application id as Spark names it (local-…, app-…, application_…).
 */
export function looksLikeSparkLog(names: readonly string[]): boolean {
  const relevant = names.filter((n) => !ignored(n));
  return (
    relevant.length > 0 &&
    relevant.every((n) => EVENTS.test(n) || n.startsWith('appstatus_') || /^(local-|app-|application_)\d/.test(n))
  );
}
