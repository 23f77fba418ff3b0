/**
 * A unit catalogue file (CSV, any delimiter, Vietnamese headers and types: shared/domain/catalogue-csv.ts)
 * → the units of a round, checked for the round's structure. Reachable from rounds now; a later issue
 * lets POST /api/rounds take the file instead of a JSON list.
 */
import { parseCatalogueCsv, type Structure, unitsValidOn } from '../../shared/domain/index.ts';
import type { CreateRoundInput } from './schemas.ts';

export const unitsFromCatalogue = (
  csv: string,
  options: { structure: Structure; asOf: string },
): CreateRoundInput['units'] =>
  unitsValidOn(parseCatalogueCsv(csv, options), options.asOf).map((u) => ({
    code: u.code,
    name: u.name,
    type: u.type,
    ...(u.parentCode === null ? {} : { parentCode: u.parentCode }),
  }));
