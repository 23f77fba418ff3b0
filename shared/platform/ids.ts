import { randomBytes } from 'node:crypto';
import { sha256Hex } from './crypto.ts';

/** Time-ordered random id: 9 base36 chars of milliseconds + 10 random. */
export const newId = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex').slice(0, 10)}`;

/** Deterministic id from its natural key, so a re-sent request maps to the same record. */
export const idFrom = (prefix: string, ...parts: string[]): string =>
  `${prefix}_${sha256Hex(parts.join('\u001f')).slice(0, 20)}`;
