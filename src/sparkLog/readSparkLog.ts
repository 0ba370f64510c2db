import { createDecoder } from './codec';
import { orderLogFiles } from './logFiles';
import { readSparkEvent, SparkLogFormatError, type SparkEvent } from './sparkEvents';
import { toEngineEvents, type ImportedLog } from './toEngineEvents';

/** What reading needs of a file: a File or Blob with its name. */
export interface LogFile {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface ReadProgress {
  /** Compressed bytes read so far, over all files. */
  bytesRead: number;
  totalBytes: number;
}

/**
 * Reads one Spark application's event log (a single file or the files of a rolling log folder, plain,
 * zstd or lz4), streaming: bytes are decompressed and split into lines as they arrive, and only the
 * facts the page shows are kept. A malformed line fails the import naming the file and line, except a
 * cut-off last line, which Spark's own replay also skips (a log still being written).
 */
export async function readSparkLog(
  files: readonly LogFile[],
  onProgress: (p: ReadProgress) => void = () => undefined,
): Promise<ImportedLog> {
  const parts = orderLogFiles(files.map((file) => ({ file, name: file.name })));
  const totalBytes = parts.reduce((n, p) => n + p.file.size, 0);
  const events: SparkEvent[] = [];
  let bytesRead = 0;
  let lastReport = 0;
  for (const [i, part] of parts.entries()) {
    const decoder = createDecoder(part.codec, part.name);
    const text = new TextDecoder('utf-8');
    let carry = '';
    let lineNo = 0;
    const isLastFile = i === parts.length - 1;
    const takeLine = (line: string) => {
      lineNo += 1;
      if (line.trim() === '') return;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new SparkLogFormatError(`${part.name}, line ${lineNo}: not a JSON event (${line.slice(0, 80)}…)`);
      }
      try {
        const event = readSparkEvent(json as Record<string, unknown>);
        if (event) events.push(event);
      } catch (e) {
        throw new SparkLogFormatError(`${part.name}, line ${lineNo}: ${(e as Error).message}`);
      }
    };
    const takeBytes = (chunks: Uint8Array[], final: boolean) => {
      for (const chunk of chunks) carry += text.decode(chunk, { stream: true });
      if (final) carry += text.decode();
      const lines = carry.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) takeLine(line);
    };
    const reader = part.file.stream().getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      takeBytes(decoder.push(value), false);
      bytesRead += value.length;
      if (bytesRead - lastReport >= totalBytes / 100) {
        lastReport = bytesRead;
        onProgress({ bytesRead, totalBytes });
      }
    }
    takeBytes(decoder.end(), true);
    if (carry.trim() !== '') {
      try {
        takeLine(carry);
      } catch (e) {
        // Spark's replay skips a cut-off last line of the last file (the application was still writing).
        if (!isLastFile) throw e;
      }
    }
  }
  onProgress({ bytesRead, totalBytes });
  return toEngineEvents(events);
}
