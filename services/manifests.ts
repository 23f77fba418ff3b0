import type { FunctionManifest } from '../shared/platform/manifest.ts';
import { functions as assessment } from './assessment/functions.ts';
import { functions as rosterIntake } from './roster-intake/functions.ts';
import { functions as rounds } from './rounds/functions.ts';
import { functions as sampling } from './sampling/functions.ts';
import { functions as scoring } from './scoring/functions.ts';
import { functions as submission } from './submission/functions.ts';
import { functions as web } from './web/functions.ts';

/** Every function of the system. Read by infra/ (CDK) and infra/local (the local runtime). */
export const ALL_FUNCTIONS: readonly FunctionManifest[] = [
  ...rounds,
  ...rosterIntake,
  ...sampling,
  ...submission,
  ...scoring,
  ...assessment,
  ...web,
];
