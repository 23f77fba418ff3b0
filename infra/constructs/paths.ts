import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: manifest entry paths are relative to it, and esbuild bundles from it. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const repoPath = (relative: string): string => join(REPO_ROOT, relative);
