import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Manifests give handler entries relative to the repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
