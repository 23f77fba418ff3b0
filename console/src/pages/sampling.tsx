/** Sampling: draw with a seed and quotas, follow the draw, read its manifest per stratum, download the lists. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, download, get, poll, request } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { remember, remembered } from '../store.ts';
import type { Round, SampleManifest, Stratum } from '../types.ts';
import { SampleTools } from './sample-tools.tsx';

export function SamplingTab({ round, user }: { round: Round; user: User }) {
  const roundPath = `/api/rounds/${encodeURIComponent(round.id)}`;
  const [samples, setSamples] = useState(() => remembered(round.id, 'samples'));
  const [selected, setSelected] = useState<string | undefined>(samples[0]);
  // The round's fixed seed and quota, when it has them, are the defaults.
  const fixedQuota = round.quota?.kind === 'fixed' ? round.quota : undefined;
  const [seed, setSeed] = useState(round.seed?.value ?? '');
  const [official, setOfficial] = useState(String(fixedQuota?.official ?? 30));
  const [reserve, setReserve] = useState(String(fixedQuota?.reserve ?? 10));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const draw = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await request<{ sampleId: string }>('POST', `${roundPath}/samples`, {
        json: { seed, officialPerStratum: Number(official), reservePerStratum: Number(reserve) },
      });
      remember(round.id, 'samples', res.sampleId);
      setSamples(remembered(round.id, 'samples'));
      setSelected(res.sampleId);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const details = error instanceof ApiError ? error.details : [];
  const errFor = (path: string) =>
    details
      .filter((d) => d.path === path)
      .map((d) => d.message)
      .join(' · ');

  return (
    <div>
      {can.drawSample(user) ? (
        <section aria-labelledby="draw-h">
          <h2 id="draw-h">Chọn mẫu</h2>
          <p class="hint">
            Mỗi tầng (đơn vị × lĩnh vực) xếp hạng từng người theo SHA-256(hạt giống ‖ đợt ‖ tầng ‖ người);
            những người có hạng thấp nhất vào danh sách chính thức, kế tiếp là dự phòng. Cùng danh sách, hạt
            giống và số lượng luôn cho cùng kết quả.
          </p>
          <form class="form" onSubmit={draw} noValidate>
            <div class="row">
              <div class="field">
                <label for="s-seed">Hạt giống (seed)</label>
                <input
                  id="s-seed"
                  value={seed}
                  onInput={(e) => setSeed(e.currentTarget.value)}
                  required
                  aria-describedby="hint-seed err-seed"
                  aria-invalid={errFor('seed') !== ''}
                />
                <p class="hint" id="hint-seed">
                  Ví dụ: các chữ số của kỳ xổ số công khai, kèm nguồn.
                </p>
                {errFor('seed') ? (
                  <p class="field-error" id="err-seed">
                    {errFor('seed')}
                  </p>
                ) : null}
              </div>
              <div class="field">
                <label for="s-official">Số phiếu chính thức mỗi tầng</label>
                <input
                  id="s-official"
                  type="number"
                  min={1}
                  inputMode="numeric"
                  value={official}
                  onInput={(e) => setOfficial(e.currentTarget.value)}
                  aria-describedby="err-official"
                  aria-invalid={errFor('officialPerStratum') !== ''}
                />
                {errFor('officialPerStratum') ? (
                  <p class="field-error" id="err-official">
                    {errFor('officialPerStratum')}
                  </p>
                ) : null}
              </div>
              <div class="field">
                <label for="s-reserve">Số dự phòng mỗi tầng</label>
                <input
                  id="s-reserve"
                  type="number"
                  min={0}
                  inputMode="numeric"
                  value={reserve}
                  onInput={(e) => setReserve(e.currentTarget.value)}
                  aria-describedby="err-reserve"
                  aria-invalid={errFor('reservePerStratum') !== ''}
                />
                {errFor('reservePerStratum') ? (
                  <p class="field-error" id="err-reserve">
                    {errFor('reservePerStratum')}
                  </p>
                ) : null}
              </div>
            </div>
            <ErrorBox error={error} action="Chọn mẫu" />
            <div class="actions">
              <button type="submit" class="primary" disabled={busy}>
                Chọn mẫu
              </button>
            </div>
            {busy ? <Progress label="Đang gửi yêu cầu chọn mẫu" /> : null}
          </form>
        </section>
      ) : null}
      <section aria-labelledby="samples-h">
        <h2 id="samples-h">Mẫu đã chọn</h2>
        {samples.length === 0 ? <p>Chưa có mẫu nào được mở trên máy này.</p> : null}
        {samples.length > 1 ? (
          <div class="field inline">
            <label for="sample-pick">Mẫu</label>
            <select id="sample-pick" value={selected} onChange={(e) => setSelected(e.currentTarget.value)}>
              {samples.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {selected ? <SampleView key={selected} round={round} user={user} sampleId={selected} /> : null}
      </section>
    </div>
  );
}

function SampleView({ round, user, sampleId }: { round: Round; user: User; sampleId: string }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}/samples/${encodeURIComponent(sampleId)}`;
  const [manifest, setManifest] = useState<SampleManifest | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [downloadError, setDownloadError] = useState<{ list: string; error: unknown } | null>(null);
  const [downloading, setDownloading] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    poll(
      async () => {
        const m = await get<SampleManifest>(path, ctl.signal);
        if (!ctl.signal.aborted) setManifest(m);
        return m.status === 'completed' || m.status === 'failed' ? m : undefined;
      },
      { signal: ctl.signal, everyMs: 400 },
    ).catch((e: unknown) => {
      if ((e as Error).name !== 'AbortError') setError(e);
    });
    return () => ctl.abort();
  }, [path]);
  const unitName = (code: string) => round.units.find((u) => u.code === code)?.name ?? code;
  const fieldName = (code: string) => round.fields.find((f) => f.code === code)?.name ?? code;

  const fetchList = async (list: 'official' | 'reserve') => {
    setDownloading(list);
    setDownloadError(null);
    try {
      await download(`${path}/${list}.csv`, `${sampleId}-${list}.csv`);
    } catch (e) {
      setDownloadError({ list, error: e });
    } finally {
      setDownloading(null);
    }
  };

  if (error) return <ErrorBox error={error} action={`Đọc mẫu ${sampleId}`} />;
  if (!manifest) return <Progress label="Đang đọc mẫu" />;
  const done = manifest.status === 'completed';
  return (
    <div class="sample">
      <dl class="facts">
        <div>
          <dt>Mã mẫu</dt>
          <dd>
            <code>{manifest.sampleId}</code>
          </dd>
        </div>
        <div>
          <dt>Hạt giống</dt>
          <dd>{manifest.seed ?? '—'}</dd>
        </div>
        <div>
          <dt>Thuật toán</dt>
          <dd>{manifest.algorithm ?? '—'}</dd>
        </div>
        <div>
          <dt>Mã băm danh sách</dt>
          <dd>
            <code class="hash">{manifest.rosterHash ?? '—'}</code>
          </dd>
        </div>
        <div>
          <dt>Yêu cầu lúc</dt>
          <dd>{formatDateTime(manifest.requestedAt)}</dd>
        </div>
        <div>
          <dt>Hoàn thành lúc</dt>
          <dd>{formatDateTime(manifest.completedAt)}</dd>
        </div>
      </dl>
      {done ? (
        <p class="status-line" role="status">
          Đã chọn xong: {formatNumber(manifest.totals?.official ?? 0, 0)} chính thức,{' '}
          {formatNumber(manifest.totals?.reserve ?? 0, 0)} dự phòng, thiếu{' '}
          {formatNumber(manifest.totals?.shortfall ?? 0, 0)}.
        </p>
      ) : (
        <Progress label="Đang chọn mẫu" />
      )}
      {manifest.strata ? (
        <DataTable<Stratum>
          caption="Kết quả theo tầng (đơn vị × lĩnh vực)"
          rows={manifest.strata}
          rowKey={(s) => `${s.unitCode}|${s.fieldCode}`}
          initialSort={{ key: 'unit', dir: 'asc' }}
          columns={[
            { key: 'unit', label: 'Đơn vị', value: (s) => unitName(s.unitCode) },
            { key: 'field', label: 'Lĩnh vực', value: (s) => fieldName(s.fieldCode) },
            { key: 'persons', label: 'Đủ điều kiện', value: (s) => s.persons, numeric: true },
            { key: 'official', label: 'Chính thức', value: (s) => s.official, numeric: true },
            { key: 'reserve', label: 'Dự phòng', value: (s) => s.reserve, numeric: true },
            { key: 'shortfall', label: 'Thiếu', value: (s) => s.shortfall, numeric: true },
          ]}
        />
      ) : null}
      {done && can.downloadLists(user) ? (
        <div class="actions">
          <button type="button" onClick={() => void fetchList('official')} disabled={downloading !== null}>
            Tải danh sách chính thức (official.csv)
          </button>
          <button type="button" onClick={() => void fetchList('reserve')} disabled={downloading !== null}>
            Tải danh sách dự phòng (reserve.csv)
          </button>
        </div>
      ) : null}
      {downloading ? <Progress label="Đang tải danh sách" /> : null}
      {done && manifest.strata?.length ? (
        <SampleTools round={round} user={user} path={path} strata={manifest.strata} />
      ) : null}
      {downloadError ? (
        <ErrorBox error={downloadError.error} action={`Tải ${downloadError.list}.csv`} />
      ) : null}
    </div>
  );
}
