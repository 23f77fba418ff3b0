/**
 * Peak resident memory of another process, read from /proc/<pid>/status (Linux): VmHWM is the
 * kernel's own high-water mark, so polling only guards against the process exiting before the end.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface ProcMemory {
  /** Peak resident set size (VmHWM), kB. */
  peakKb: number;
  /** Current resident set size (VmRSS), kB. */
  currentKb: number;
}

/** VmHWM / VmRSS of `pid` now, or null when the process is gone or /proc is not there. */
export const readProcMemory = (pid: number): ProcMemory | null => {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peakKb: kb('VmHWM'), currentKb: kb('VmRSS') };
};

/**
 * Resets the kernel's high-water mark of `pid` to its current RSS (writing 5 to clear_refs, Linux
 * ≥ 4.0, own processes only), so a later peak covers only what happens after this call.
 * Returns false when the kernel does not allow it; the peak then includes start-up.
 */
export const resetPeakRss = (pid: number): boolean => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
};

export interface PeakRssWatch {
  /** Stops polling; the highest VmHWM seen (kB), 0 if the process could never be read. */
  stop(): number;
  /** Highest VmHWM seen so far (kB). */
  peakKb(): number;
}

/** Polls VmHWM of `pid` every `intervalMs` (bounded: stops by itself when the process is gone). */
export const watchPeakRss = (pid: number, intervalMs = 200): PeakRssWatch => {
  let peak = 0;
  const sample = (): boolean => {
    const m = readProcMemory(pid);
    if (!m) return false;
    peak = Math.max(peak, m.peakKb);
    return true;
  };
  sample();
  const timer = setInterval(() => {
    if (!sample()) clearInterval(timer);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      sample();
      clearInterval(timer);
      return peak;
    },
    peakKb: () => peak,
  };
};

export const formatKb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat
 * (fields 14 and 15, in clock ticks of 100 Hz on Linux), or null when it cannot be read. On a
 * shared machine wall-clock rates drift; CPU milliseconds per request are much steadier.
 */
export const readProcCpuMs = (pid: number): number | null => {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? ticks * 10 : null;
};

/** CPU milliseconds used by each pid between `start()` and `stop()`. */
export const cpuMeter = (pids: Record<string, number>) => {
  const read = () =>
    Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, readProcCpuMs(pid) ?? Number.NaN]));
  let before = read();
  return {
    start() {
      before = read();
    },
    stop(): Record<string, number> {
      const after = read();
      return Object.fromEntries(Object.keys(pids).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
    },
  };
};
