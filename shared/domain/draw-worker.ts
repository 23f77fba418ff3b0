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
  /** The pooled buffer the arrays are views of (the ends at offset 0), given back once the job is done. */
  arena?: ArrayBuffer;
}

/** Most bytes of idle arenas kept for the next draw (a national draw needs about 60 MB). */
const ARENA_POOL_BYTES = 256 * 1024 * 1024;

/**
 * A pool of ArrayBuffers for packed jobs: a draw takes arenas and gives them back when its jobs are
 * done (a worker's arena is transferred there and back, never copied), so warm draws allocate none.
 * Not SharedArrayBuffers: Node's fast string writes (`Buffer#write`) do not take them, and packing
 * is then three times slower.
 */
export const arenas = {
  idle: [] as ArrayBuffer[],
  acquire(bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < arenas.idle.length; i++) {
      const size = (arenas.idle[i] as ArrayBuffer).byteLength;
      if (size >= bytes && (best < 0 || size < (arenas.idle[best] as ArrayBuffer).byteLength)) best = i;
    }
    if (best >= 0) return arenas.idle.splice(best, 1)[0] as ArrayBuffer;
    // A quarter more than asked, in 64 KiB steps, so the next draw of about this size fits.
    return new ArrayBuffer(Math.ceil((bytes * 1.25 + 1) / 65536) * 65536);
  },
  release(arena: ArrayBuffer | undefined): void {
    if (!arena || arena.byteLength === 0) return; // 0: detached (moved to a worker that failed)
    arenas.idle.push(arena);
    let total = 0;
    for (const a of arenas.idle) total += a.byteLength;
    while (total > ARENA_POOL_BYTES && arenas.idle.length > 0)
      total -= (arenas.idle.shift() as ArrayBuffer).byteLength;
  },
};

/** The message a worker gets back to us when the kernel refused the job. */
export const DUPLICATE_PERSON = 'DUPLICATE_PERSON';

/**
 * Ranks every person of every stratum of the job and returns, stratum after stratum, the indices
 * (job-wide) of the `take[s]` lowest ranks in ascending rank order. Rank = SHA-256 of the
 * stratum prefix followed by the person key; order = the digest's bytes (what comparing the hex
 * strings does), ties by person key (UTF-16 order, as `<` on strings).
 *
 * No per-person objects: the prefix sits once per stratum in a reusable byte buffer, each key's
 * bytes are copied after it, the digest is one-shot `crypto.hash` with latin1 output (createHash
 * before Node 21.7), and the lowest `take` are kept sorted in three typed arrays (the digest's
 * first 8 bytes as two unsigned 32-bit words, and the person) by insertion from the end: a person
 * above the current last costs one comparison, and a stratum smaller than its quota is an
 * insertion sort of a few dozen numbers. Only on a tie of the first 8 bytes are the two full
 * digests recomputed and compared (and then the keys).
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
  const hi = new Uint32Array(maxTake + 1);
  const lo = new Uint32Array(maxTake + 1);
  const who = new Int32Array(maxTake + 1);
  const keyBuffer = Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);
  let work = new Uint8Array(256);
  let views: Uint8Array[] = [];
  let pLen = 0;

  // Helpers are methods of an object literal, not named functions or `const f = () => …`: esbuild's
  // keepNames wraps those in a renamed `__name` helper that the worker's text would not define.
  // They run only on a tie of 8 digest bytes (about never with real SHA-256).
  const ops = {
    keyText(i: number): string {
      return keyBuffer.toString('utf8', i ? keyEnds[i - 1] : 0, keyEnds[i]);
    },
    digest(i: number): string {
      const ks = i ? (keyEnds[i - 1] as number) : 0;
      const ke = keyEnds[i] as number;
      const input = new Uint8Array(pLen + ke - ks);
      input.set(work.subarray(0, pLen));
      input.set(keys.subarray(ks, ke), pLen);
      return oneShot
        ? crypto.hash('sha256', input, 'binary')
        : crypto.createHash('sha256').update(input).digest('binary');
    },
    /** Order of persons a and b whose first 8 digest bytes are equal. */
    tie(a: number, b: number): number {
      const da = ops.digest(a);
      const db = ops.digest(b);
      if (da !== db) return da < db ? -1 : 1;
      const ka = ops.keyText(a);
      const kb = ops.keyText(b);
      if (ka === kb) throw new Error('DUPLICATE_PERSON');
      return ka < kb ? -1 : 1;
    },
  };

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
    pLen = (prefixEnds[s] as number) - pStart;
    if (pLen + 64 > work.length) {
      work = new Uint8Array((pLen + 64) * 2);
      views = [];
    }
    for (let j = 0; j < pLen; j++) work[j] = prefixes[pStart + j] as number;
    let size = 0;
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
      // 'binary' (= latin1) output: a 32-char string costs far less than a Buffer per call (no backing store).
      const d: string = oneShot
        ? crypto.hash('sha256', view, 'binary')
        : crypto.createHash('sha256').update(view).digest('binary');
      const h =
        ((d.charCodeAt(0) << 24) | (d.charCodeAt(1) << 16) | (d.charCodeAt(2) << 8) | d.charCodeAt(3)) >>> 0;
      const l =
        ((d.charCodeAt(4) << 24) | (d.charCodeAt(5) << 16) | (d.charCodeAt(6) << 8) | d.charCodeAt(7)) >>> 0;
      let i = size;
      if (size === k) {
        // Full: above the last kept one → out; otherwise it replaces the last and moves down.
        const th = hi[k - 1] as number;
        if (h > th) continue;
        if (h === th) {
          const tl = lo[k - 1] as number;
          if (l > tl) continue;
          if (l === tl && ops.tie(person, who[k - 1] as number) > 0) continue;
        }
        i = k - 1;
      } else {
        size++;
      }
      while (i > 0) {
        const ph = hi[i - 1] as number;
        if (ph < h) break;
        if (ph === h) {
          const pl = lo[i - 1] as number;
          if (pl < l) break;
          if (pl === l && ops.tie(who[i - 1] as number, person) < 0) break;
        }
        hi[i] = ph;
        lo[i] = lo[i - 1] as number;
        who[i] = who[i - 1] as number;
        i--;
      }
      hi[i] = h;
      lo[i] = l;
      who[i] = person;
    }
    for (let r = 0; r < size; r++) out[outPos + r] = who[r] as number;
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
    const arena = msg.job.keyEnds.buffer;
    parentPort.postMessage({ id: msg.id, out, arena }, [out.buffer, arena]);
  } catch (e) {
    parentPort.postMessage({ id: msg.id, error: String((e && e.message) || e) });
  }
});
`;

/** Runs the kernel on this thread. */
export const rankHere = (job: PackedJob): Int32Array => {
  try {
    return rankKernel(nodeCrypto, job);
  } finally {
    arenas.release(job.arena);
  }
};

interface PooledWorker {
  worker: Worker;
  pending: Map<
    number,
    { resolve: (reply: { out: Int32Array; arena?: ArrayBuffer }) => void; reject: (e: Error) => void }
  >;
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
  worker.on('message', (msg: { id: number; out?: Int32Array; arena?: ArrayBuffer; error?: string }) => {
    const p = entry.pending.get(msg.id);
    if (!p) return;
    entry.pending.delete(msg.id);
    if (entry.pending.size === 0) worker.unref();
    if (msg.out) p.resolve({ out: msg.out, arena: msg.arena });
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
  // The arena (and the keys' own buffer on the non-ASCII path) is moved, not copied, and comes
  // back with the answer to go back to the pool.
  const { arena, ...arrays } = job;
  const moved = [job.keyEnds.buffer, ...(job.keys.buffer !== job.keyEnds.buffer ? [job.keys.buffer] : [])];
  return new Promise<{ out: Int32Array; arena?: ArrayBuffer }>((resolve, reject) => {
    entry.pending.set(id, { resolve, reject });
    entry.worker.ref();
    entry.worker.postMessage({ id, job: arrays }, moved as ArrayBuffer[]);
  }).then((reply) => {
    arenas.release(reply.arena);
    return reply.out;
  });
};

/** Stops the pooled workers (tests, benchmarks, graceful shutdown). */
export const closeDrawWorkers = async (): Promise<void> => {
  arenas.idle.length = 0;
  const all = pool.splice(0, pool.length);
  await Promise.all(all.map((p) => p.worker.terminate()));
};
