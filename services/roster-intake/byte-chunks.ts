/**
 * Grouping rows into queue messages by bytes, not by count (issue 8: a 20,000-row roster with
 * addresses broke the SendMessageBatch limit when chunks were 200 rows each).
 * SQS limits (2025): a message body up to 1 MiB, and a SendMessageBatch's bodies together up to
 * 1 MiB, at most 10 entries. We keep each message under 200 KiB (also under the older 256 KiB
 * limit still enforced by some emulators and by SNS fan-out), and split batches by both 10
 * entries and 1,000 KiB of bodies, leaving room for ids and attributes. A batch of messages at
 * the cap therefore holds 5 of them: throughput is governed by bytes either way.
 */

/** Default cap of one message body (bytes of UTF-8 JSON). */
export const MESSAGE_MAX_BYTES = 200 * 1024;
/** Cap of the bodies of one SendMessageBatch together. */
export const BATCH_MAX_BYTES = 1000 * 1024;
export const BATCH_MAX_ENTRIES = 10;

export class RowTooLargeError extends Error {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`a single row serialises to ${bytes} bytes, over the ${maxBytes}-byte chunk limit`);
    this.name = 'RowTooLargeError';
  }
}

export interface ChunkOptions<T> {
  /** Cap of the whole message body: envelope + JSON array of the chunk's rows. */
  maxBytes?: number;
  /**
   * Bytes of the message around the rows array (`{"kind":…,"rows":[]}`); the rows' share of
   * the cap is maxBytes − envelopeBytes.
   */
  envelopeBytes?: number;
  /** How a row is serialised inside the message (default JSON.stringify). */
  serialise?: (row: T) => string;
}

/**
 * Rows → arrays whose JSON (`[r1,r2,…]`) plus the envelope stays within maxBytes, in input
 * order, whatever the width of each row. Streams: one chunk in memory at a time.
 */
export async function* chunkByBytes<T>(
  rows: AsyncIterable<T> | Iterable<T>,
  options: ChunkOptions<T> = {},
): AsyncGenerator<T[]> {
  const maxBytes = options.maxBytes ?? MESSAGE_MAX_BYTES;
  const budget = maxBytes - (options.envelopeBytes ?? 0);
  const serialise = options.serialise ?? ((r: T) => JSON.stringify(r));
  let chunk: T[] = [];
  let used = 2; // "[" and "]"
  for await (const row of rows) {
    const bytes = Buffer.byteLength(serialise(row), 'utf8');
    if (bytes + 2 > budget) throw new RowTooLargeError(bytes, budget);
    const extra = bytes + (chunk.length > 0 ? 1 : 0); // "," between rows
    if (used + extra > budget) {
      yield chunk;
      chunk = [];
      used = 2;
    }
    used += bytes + (chunk.length > 0 ? 1 : 0);
    chunk.push(row);
  }
  if (chunk.length > 0) yield chunk;
}

export interface BatchOptions<M> {
  maxEntries?: number;
  maxBatchBytes?: number;
  /** Body size of a message (default: bytes of its JSON). */
  sizeOf?: (message: M) => number;
}

/** Messages → SendMessageBatch groups of at most 10 entries and BATCH_MAX_BYTES of bodies. */
export function* batchEntries<M>(messages: Iterable<M>, options: BatchOptions<M> = {}): Generator<M[]> {
  const maxEntries = options.maxEntries ?? BATCH_MAX_ENTRIES;
  const maxBytes = options.maxBatchBytes ?? BATCH_MAX_BYTES;
  const sizeOf = options.sizeOf ?? ((m: M) => Buffer.byteLength(JSON.stringify(m), 'utf8'));
  let batch: M[] = [];
  let used = 0;
  for (const message of messages) {
    const bytes = sizeOf(message);
    if (bytes > maxBytes) throw new RowTooLargeError(bytes, maxBytes);
    if (batch.length === maxEntries || used + bytes > maxBytes) {
      yield batch;
      batch = [];
      used = 0;
    }
    batch.push(message);
    used += bytes;
  }
  if (batch.length > 0) yield batch;
}
