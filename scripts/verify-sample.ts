/**
 * Offline verification of a published draw (issue 9 item 2), for an auditor with no access to the
 * system:
 *
 *   npm run verify-sample -- <manifest.json> <person-keys.csv>
 *
 * Recomputes every stratum from the person-key rows with the same domain draw the system uses
 * (shared/domain/published-draw.ts) and prints match / mismatch per stratum. Exit code 0 when every
 * stratum and the file's hash match, 1 otherwise (or when a file cannot be read).
 */
import { readFile } from 'node:fs/promises';
import {
  DomainError,
  parsePersonKeysCsv,
  publishedManifestSchema,
  STRATUM_PROBLEM_TEXT,
  verifyPublishedDraw,
} from '../shared/domain/index.ts';

const usage = 'Cách dùng: npm run verify-sample -- <manifest.json> <person-keys.csv>';

export const runVerifySample = async (
  args: readonly string[],
  out: (line: string) => void,
): Promise<number> => {
  const [manifestPath, rowsPath] = args;
  if (!manifestPath || !rowsPath) {
    out(usage);
    return 1;
  }
  let manifestJson: unknown;
  let rowsText: string;
  try {
    manifestJson = JSON.parse(await readFile(manifestPath, 'utf8'));
    rowsText = await readFile(rowsPath, 'utf8');
  } catch (error) {
    out(`Không đọc được tệp: ${(error as Error).message}`);
    return 1;
  }
  const parsed = publishedManifestSchema.safeParse(manifestJson);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(gốc)').join(', ');
    out(`Biên bản mẫu không đúng định dạng (${where}).`);
    return 1;
  }
  const manifest = parsed.data;
  let result: Awaited<ReturnType<typeof verifyPublishedDraw>>;
  try {
    result = await verifyPublishedDraw(manifest, parsePersonKeysCsv(rowsText));
  } catch (error) {
    if (error instanceof DomainError) {
      out(`Không kiểm tra được: ${error.message}`);
      return 1;
    }
    throw error;
  }
  out(
    `Mẫu ${manifest.sampleId} (đợt ${manifest.roundId}), thuật toán ${manifest.algorithm}, hạt giống "${manifest.seed}" (${manifest.seedSource})`,
  );
  out(
    `${result.personKeysHash.match ? 'match   ' : 'mismatch'}  tệp mã người: ${result.personKeysHash.match ? 'khớp mã băm đã công bố' : `mã băm ${result.personKeysHash.recomputed} khác mã đã công bố ${result.personKeysHash.published}`}`,
  );
  for (const s of result.strata) {
    out(
      `${s.match ? 'match   ' : 'mismatch'}  ${s.unitCode} × ${s.fieldCode}${s.match ? '' : `: ${s.problems.map((p) => STRATUM_PROBLEM_TEXT[p]).join('; ')}`}`,
    );
  }
  const bad = result.strata.filter((s) => !s.match).length;
  out(
    result.match
      ? `KẾT QUẢ: KHỚP — ${result.strata.length} tầng được tính lại đều khớp với biên bản.`
      : `KẾT QUẢ: KHÔNG KHỚP — ${bad}/${result.strata.length} tầng không khớp${result.personKeysHash.match ? '' : ', tệp mã người khác tệp đã công bố'}.`,
  );
  return result.match ? 0 : 1;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runVerifySample(process.argv.slice(2), (line) => console.log(line));
}
