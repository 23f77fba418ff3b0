/**
 * One line format for every bench figure, beside the peer it is judged against:
 *   name                                   value          | peer: value          | ratio
 * and a closing block (`summary()`) to paste into the resolving note as it is.
 */
import os from 'node:os';

export interface Figure {
  name: string;
  value: string;
  peer?: { name?: string; value: string };
  /** e.g. "0.42 of peer (goal ≥ 0.50) ✗". */
  ratio?: string;
}

const NAME_WIDTH = 58;
const VALUE_WIDTH = 34;

export const formatFigure = (f: Figure): string => {
  let line = `${f.name.padEnd(NAME_WIDTH)} ${f.value.padEnd(VALUE_WIDTH)}`;
  if (f.peer) line += ` | ${f.peer.name ?? 'peer'}: ${f.peer.value}`;
  if (f.ratio) line += ` | ${f.ratio}`;
  return line.trimEnd();
};

/** `value / peer` against a goal: `higher` (throughput) or `lower` (latency, memory) is better. */
export const ratioLine = (
  value: number,
  peer: number,
  goal: { better: 'higher' | 'lower'; limit: number; label?: string },
): string => {
  if (!Number.isFinite(value) || !Number.isFinite(peer) || peer === 0) return 'ratio n/a';
  const r = value / peer;
  const ok = goal.better === 'higher' ? r >= goal.limit : r <= goal.limit;
  const sign = goal.better === 'higher' ? '≥' : '≤';
  return `${r.toFixed(2)}× ${goal.label ?? 'peer'} (goal ${sign} ${goal.limit}×) ${ok ? 'OK' : 'MISSED'}`;
};

/** Checks a value against an absolute goal, e.g. peak RSS < 512 MB. */
export const goalLine = (ok: boolean, goal: string): string => `goal ${goal} ${ok ? 'OK' : 'MISSED'}`;

export const fmt = {
  int: (n: number): string => Math.round(n).toLocaleString('en'),
  perSec: (n: number, unit = 'req/s'): string => `${Math.round(n).toLocaleString('en')} ${unit}`,
  ms: (n: number): string => `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString('en')} ms`,
  s: (ms: number): string => `${(ms / 1000).toFixed(2)} s`,
  mb: (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`,
};

export interface Printer {
  /** Prints a free-form heading or note (not part of the summary). */
  note(text: string): void;
  /** Prints one figure line and keeps it for the summary. */
  figure(f: Figure): void;
  /** The closing block: the title, the machine and every figure line, ready to paste. */
  summary(): string;
}

export const createPrinter = (title: string, out: (line: string) => void = console.log): Printer => {
  const lines: string[] = [];
  const header = `${title} — Node ${process.version}, ${new Date().toISOString()}`;
  out(header);
  return {
    note: (text) => out(`  · ${text}`),
    figure(f) {
      const line = formatFigure(f);
      lines.push(line);
      out(line);
    },
    summary() {
      const block = ['```', header, ...lines, '```'].join('\n');
      out(`\n--- paste into the notes ---\n${block}`);
      return block;
    },
  };
};

/**
 * The machine's state beside the figures: the benches share 2 cores with other work, so a
 * reader must see how busy it was (1-minute load average at start and now).
 */
export const machineFigure = (loadAtStart: number): Figure => {
  const [now = 0] = os.loadavg();
  return {
    name: `machine: ${os.availableParallelism()} cores, load average (1 min)`,
    value: `${loadAtStart.toFixed(1)} at start · ${now.toFixed(1)} at end`,
  };
};
