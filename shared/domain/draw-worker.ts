/**
 * The hot loop of the hash-rank draw (`sha256-rank-v1`, design.md "The draw") and the worker
 * threads that run it on every core.
 *
 * `rankKernel` is written to be self-contained — it reads only its arguments and globals (no
 * import, no module-level binding) — because the worker runs its *source text*: the worker is
 * started with `new Worker(source, { eval: true })` where the source is `rankKernel.toString()`
 * wrapped in a few lines of message handling. That is what makes it work unchanged
 *   - under tsx and vitest (dev, tests): the transformed function's text is plain JS, and
 *   - inside an esbuild bundle (the Lambda's ESM bundle, minified): there is no second file to
 *     ship or resolve, and renaming/minifying inside the function keeps it self-contained.
 * `new Worker(new URL('./draw-worker.ts', import.meta.url))` would work under tsx only: esbuild
 * does not follow that URL, so the bundle would point at a file that is not in the zip.
 * esbuild's `keepNames` (and tsx) wrap named inner functions in `__name(fn, "name")`, and a
 * minified bundle renames that helper, so the kernel has no named inner function at all (its
 * helpers are object-literal methods); the bundling test in draw-engine.test.ts checks this.
 */
import type * as NodeCrypto from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** One group of strata, packed into flat arrays so it crosses to a worker without a copy. */
export interface PackedJob {
  /** UTF-8 bytes of every person key of the group, one after another. */
  keys: Uint8Array;
  /** keyEnds[i] = end offset of person i in `keys` (its start is keyEnds[i − 1], or 0). */
  keyEnds: Int32Array;
  /** UTF-8 bytes of each stratum's `seed␟roundId␟stratumKey␟`, one after another. */
  prefixes: Uint8Array;
  /** prefixEnds[s] = end offset of stratum s's prefix in `prefixes`. */
  prefixEnds: Int32Array;
  /** personEnds[s] = index after the last person of stratum s (its first is personEnds[s − 1], or 0). */
  personEnds: Int32Array;
  /** How many of the lowest ranks to keep in stratum s: min(official + reserve, persons). */
  take: Int32Array;
}

/** The message a worker gets back to us when the kernel refused the job. */
export const DUPLICATE_PERSON = 'DUPLICATE_PERSON';

/**
 * Ranks every person of every stratum of the job and returns, stratum after stratum, the indices
 * (job-wide) of the `take[s]` lowest ranks in ascending rank order. Rank = SHA-256 of the
 * stratum prefix followed by the person key; order = the digest's bytes (what comparing the hex
 * strings does), ties by person key (UTF-16 order, as `<` on strings).
 *
 * No per-person objects: the prefix sits once per stratum in a reusable byte buffer, each key's
 * bytes are copied after it, the digest is one-shot `crypto.hash` with latin1 output (createHash before Node 21.7),
 * and a bounded max-heap over slots in typed arrays keeps the lowest `take` by the digest's first
 * 8 bytes, comparing the whole digest (and then the key) only on a tie.
 * Throws `Error(DUPLICATE_PERSON)` if the same key would appear twice in a stratum's lists.
 */
export function rankKernel(crypto: typeof NodeCrypto, job: PackedJob): Int32Array {
  const { keys, keyEnds, prefixes, prefixEnds, personEnds, take } = job;
  const oneShot = typeof crypto.hash === 'function';
  let totalTake = 0;
  let maxTake = 0;
  for (let s = 0; s < take.length; s++) {
    totalTake += take[s] as number;
    if ((take[s] as number) > maxTake) maxTake = take[s] as number;
  }
  const out = new Int32Array(totalTake);
  // Slot storage: maxTake slots in the heap plus one spare for the candidate.
  const slots = maxTake + 1;
  const hi = new Uint32Array(slots);
  const lo = new Uint32Array(slots);
  const who = new Int32Array(slots);
  // Digests as latin1 strings (one char per byte): comparing them compares the bytes.
  const dig: string[] = new Array(slots).fill('');
  const heap = new Int32Array(maxTake);
  const keyBuffer = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);

  // Helpers are methods of an object literal, not named functions or `const f = () => …`: esbuild's
  // keepNames wraps those in a renamed `__name` helper that the worker's text would not define.
  const ops = {
    keyText(i: number): string {
      return keyBuffer.toString('utf8', i ? keyEnds[i - 1] : 0, keyEnds[i]);
    },
    cmp(a: number, b: number): number {
      if (hi[a] !== hi[b]) return (hi[a] as number) < (hi[b] as number) ? -1 : 1;
      if (lo[a] !== lo[b]) return (lo[a] as number) < (lo[b] as number) ? -1 : 1;
      const da = dig[a] as string;
      const db = dig[b] as string;
      if (da !== db) return da < db ? -1 : 1;
      const ka = ops.keyText(who[a] as number);
      const kb = ops.keyText(who[b] as number);
      if (ka === kb) throw new Error('DUPLICATE_PERSON');
      return ka < kb ? -1 : 1;
    },
    up(start: number): void {
      let i = start;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (ops.cmp(heap[i] as number, heap[p] as number) <= 0) break;
        const t = heap[i] as number;
        heap[i] = heap[p] as number;
        heap[p] = t;
        i = p;
      }
    },
    down(size: number): void {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const m = r < size && ops.cmp(heap[r] as number, heap[l] as number) > 0 ? r : l;
        if (ops.cmp(heap[m] as number, heap[i] as number) <= 0) break;
        const t = heap[i] as number;
        heap[i] = heap[m] as number;
        heap[m] = t;
        i = m;
      }
    },
    store(slot: number, h: number, l: number, person: number, d: string): void {
      hi[slot] = h;
      lo[slot] = l;
      who[slot] = person;
      dig[slot] = d;
    },
  };

  let work = new Uint8Array(256);
  let views: Uint8Array[] = [];
  let outPos = 0;
  let person = 0;
  for (let s = 0; s < take.length; s++) {
    const k = take[s] as number;
    const end = personEnds[s] as number;
    if (k === 0) {
      person = end;
      continue;
    }
    const pStart = s ? (prefixEnds[s - 1] as number) : 0;
    const pLen = (prefixEnds[s] as number) - pStart;
    if (pLen + 64 > work.length) {
      work = new Uint8Array((pLen + 64) * 2);
      views = [];
    }
    for (let j = 0; j < pLen; j++) work[j] = prefixes[pStart + j] as number;
    let size = 0;
    let spare = maxTake;
    for (; person < end; person++) {
      const ks = person ? (keyEnds[person - 1] as number) : 0;
      const ke = keyEnds[person] as number;
      const len = pLen + ke - ks;
      if (len > work.length) {
        const grown = new Uint8Array(len * 2);
        grown.set(work.subarray(0, pLen));
        work = grown;
        views = [];
      }
      for (let j = ks, w = pLen; j < ke; j++, w++) work[w] = keys[j] as number;
      let view = views[len];
      if (view === undefined) {
        view = work.subarray(0, len);
        views[len] = view;
      }
      // 'binary' (= latin1) output: a 32-char string costs far less than a Buffer per call (no backing store),
      // which is most of crypto.hash's cost with 'buffer' output.
      const d: string = oneShot
        ? crypto.hash('sha256', view, 'binary')
        : crypto.createHash('sha256').update(view).digest('binary');
      const h =
        ((d.charCodeAt(0) << 24) | (d.charCodeAt(1) << 16) | (d.charCodeAt(2) << 8) | d.charCodeAt(3)) >>> 0;
      const l =
        ((d.charCodeAt(4) << 24) | (d.charCodeAt(5) << 16) | (d.charCodeAt(6) << 8) | d.charCodeAt(7)) >>> 0;
      if (size < k) {
        ops.store(size, h, l, person, d);
        heap[size] = size;
        ops.up(size);
        size++;
        continue;
      }
      const top = heap[0] as number;
      const th = hi[top] as number;
      if (h > th) continue;
      if (h === th) {
        const tl = lo[top] as number;
        if (l > tl) continue;
        if (l === tl) {
          ops.store(spare, h, l, person, d);
          if (ops.cmp(spare, top) > 0) continue;
        }
      }
      ops.store(spare, h, l, person, d);
      heap[0] = spare;
      spare = top;
      ops.down(size);
    }
    // Pop the heap from the largest down; comparing each popped slot with the next root also
    // catches a key given twice (equal digests and keys are neighbours in sorted order).
    for (let n = size; n > 0; n--) {
      const root = heap[0] as number;
      out[outPos + n - 1] = who[root] as number;
      heap[0] = heap[n - 1] as number;
      ops.down(n - 1);
      if (n > 1) ops.cmp(heap[0] as number, root);
    }
    outPos += size;
  }
  return out;
}

/** The worker's whole program: the kernel's own text plus message handling (see the file comment). */
export const DRAW_WORKER_SOURCE = `'use strict';
var __name = (f) => f;
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const rankKernel = (${rankKernel.toString()});
parentPort.on('message', (msg) => {
  try {
    const out = rankKernel(crypto, msg.job);
    parentPort.postMessage({ id: msg.id, out }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String((e && e.message) || e) });
  }
});
`;

/** Runs the kernel on this thread. */
export const rankHere = (job: PackedJob): Int32Array => rankKernel(nodeCrypto, job);

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve: (out: Int32Array) => void; reject: (e: Error) => void }>;
}

// Workers are started on first use and kept for the next draw (a warm Lambda reuses them); they
// are unref'd while idle so they never keep a process alive.
const pool: PooledWorker[] = [];
let nextJobId = 0;

const startWorker = (): PooledWorker => {
  const worker = new Worker(DRAW_WORKER_SOURCE, { eval: true });
  const entry: PooledWorker = { worker, pending: new Map() };
  const fail = (error: Error) => {
    const at = pool.indexOf(entry);
    if (at >= 0) pool.splice(at, 1);
    for (const p of entry.pending.values()) p.reject(error);
    entry.pending.clear();
  };
  worker.on('message', (msg: { id: number; out?: Int32Array; error?: string }) => {
    const p = entry.pending.get(msg.id);
    if (!p) return;
    entry.pending.delete(msg.id);
    if (entry.pending.size === 0) worker.unref();
    if (msg.out) p.resolve(msg.out);
    else p.reject(new Error(msg.error ?? 'draw worker failed'));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`draw worker exited with code ${code}`)));
  worker.unref();
  return entry;
};

/** Runs the kernel in the `index`-th pooled worker (started if needed); the job's buffers are transferred. */
export const rankInWorker = (index: number, job: PackedJob): Promise<Int32Array> => {
  while (pool.length <= index) pool.push(startWorker());
  const entry = pool[index] as PooledWorker;
  const id = nextJobId++;
  return new Promise((resolve, reject) => {
    entry.pending.set(id, { resolve, reject });
    entry.worker.ref();
    entry.worker.postMessage({ id, job }, [
      job.keys.buffer,
      job.keyEnds.buffer,
      job.prefixes.buffer,
      job.prefixEnds.buffer,
      job.personEnds.buffer,
      job.take.buffer,
    ] as ArrayBuffer[]);
  });
};

/** Stops the pooled workers (tests, benchmarks, graceful shutdown). */
export const closeDrawWorkers = async (): Promise<void> => {
  const all = pool.splice(0, pool.length);
  await Promise.all(all.map((p) => p.worker.terminate()));
};
