/**
 * Rosters: drag-and-drop (or choose) a CSV, upload it through the request body with a progress bar,
 * follow the import until it completes (chunks written, counts), then read and filter the row
 * report and download it as errors.csv.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, download, get, poll, request, upload } from '../api.ts';
import { can, type User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDateTime, formatNumber } from '../format.ts';
import { remember, remembered } from '../store.ts';
import type { ImportReport, Round, RowError } from '../types.ts';

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const CODE_LABEL: Record<string, string> = {
  MISSING_REQUIRED: 'Thiếu thông tin bắt buộc',
  INVALID_PHONE: 'Số điện thoại sai',
  INVALID_DATE: 'Ngày sai',
  DUPLICATE_DOSSIER: 'Trùng mã hồ sơ',
  FIELD_TOO_LONG: 'Quá dài',
  UNKNOWN_UNIT: 'Đơn vị không có trong đợt',
  UNKNOWN_FIELD: 'Lĩnh vực không có trong đợt',
  PHONE_LEGACY_CONVERTED: 'Đã đổi đầu số cũ (cảnh báo)',
  PHONE_LANDLINE: 'Số máy bàn (cảnh báo)',
};

interface PresignedUpload {
  importId?: string;
  uploadUrl?: string;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  upload?: { url: string; method?: string; headers?: Record<string, string> };
}

/** Asks the API for a presigned PUT, then sends the file straight to storage with progress. */
const sendPresigned = async (
  roundPath: string,
  file: File,
  onProgress: (share: number) => void,
): Promise<{ importId: string }> => {
  const grant = await request<PresignedUpload>('POST', `${roundPath}/rosters`, {
    json: { upload: true, filename: file.name },
  });
  const url = grant.uploadUrl ?? grant.url ?? grant.upload?.url;
  if (!url || !grant.importId) {
    throw new ApiError(
      0,
      'UPLOAD_NOT_AVAILABLE',
      `Tệp ${file.name} lớn hơn 5 MB hoặc là XLSX, nhưng máy chủ chưa cấp đường dẫn tải lên trực tiếp; hãy gửi tệp CSV nhỏ hơn 5 MB.`,
    );
  }
  const headers = grant.headers ?? grant.upload?.headers ?? {};
  await upload('PUT', url, file, {
    contentType:
      headers['content-type'] ?? headers['Content-Type'] ?? (file.type || 'application/octet-stream'),
    withAuth: false,
    onProgress,
  });
  return { importId: grant.importId };
};

export function RostersTab({ round, user }: { round: Round; user: User }) {
  const roundPath = `/api/rounds/${encodeURIComponent(round.id)}`;
  const [imports, setImports] = useState(() => remembered(round.id, 'imports'));
  const [selected, setSelected] = useState<string | undefined>(imports[0]);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [sent, setSent] = useState<number | null>(null);
  const [uploadError, setUploadError] = useState<unknown>(null);
  // A new key clears the file input once its file has been sent.
  const [inputKey, setInputKey] = useState(0);

  const pick = (f: File | undefined | null) => {
    setUploadError(null);
    setFile(f ?? null);
  };

  const send = async () => {
    if (!file) return;
    setUploadError(null);
    setSent(0);
    try {
      // Large files and spreadsheets go to S3 through a presigned URL (the API's `{ upload: true }`
      // path); small CSV files go in the request body.
      const res =
        file.size > MAX_BODY_BYTES || /\.xlsx$/i.test(file.name)
          ? await sendPresigned(roundPath, file, setSent)
          : await upload<{ importId: string }>(
              'POST',
              `${roundPath}/rosters?filename=${encodeURIComponent(file.name)}`,
              file,
              { contentType: 'text/csv', withAuth: true, onProgress: setSent },
            );
      remember(round.id, 'imports', res.importId);
      setImports(remembered(round.id, 'imports'));
      setSelected(res.importId);
      setFile(null);
      setInputKey((k) => k + 1);
    } catch (e) {
      setUploadError(e);
    } finally {
      setSent(null);
    }
  };

  return (
    <div>
      {can.uploadRoster(user) ? (
        <section aria-labelledby="upload-h">
          <h2 id="upload-h">Tải lên danh sách</h2>
          {/* biome-ignore lint/a11y/noStaticElementInteractions: drop target for a mouse; the file input inside is the keyboard path */}
          <div
            class={`dropzone${dragging ? ' dragging' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragging(false);
              pick(e.dataTransfer?.files[0]);
            }}
          >
            <label for="roster-file">
              Kéo thả tệp CSV vào đây, hoặc chọn tệp (UTF-8 hoặc UTF-16, phân cách bằng <code>,</code>{' '}
              <code>;</code> hoặc Tab; tệp lớn hơn 5 MB hoặc XLSX được gửi thẳng lên kho lưu trữ)
            </label>
            <input
              key={inputKey}
              id="roster-file"
              type="file"
              accept=".csv,.txt,.tsv,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => pick(e.currentTarget.files?.[0])}
            />
            {file ? (
              <p>
                Đã chọn: <strong>{file.name}</strong> ({formatNumber(file.size / 1024, 1)} KB)
              </p>
            ) : null}
          </div>
          <div class="actions">
            <button
              type="button"
              class="primary"
              onClick={() => void send()}
              disabled={!file || sent !== null}
            >
              Tải lên và nhập
            </button>
          </div>
          {sent !== null ? <Progress label="Đang gửi tệp" value={sent} /> : null}
          <ErrorBox error={uploadError} action={`Tải lên ${file?.name ?? 'tệp'}`} />
        </section>
      ) : (
        <p class="notice">Vai trò của bạn chỉ xem được các lần nhập danh sách, không tải lên được.</p>
      )}
      <section aria-labelledby="imports-h">
        <h2 id="imports-h">Các lần nhập</h2>
        {imports.length === 0 ? <p>Chưa có lần nhập nào được mở trên máy này.</p> : null}
        {imports.length > 1 ? (
          <div class="field inline">
            <label for="import-pick">Lần nhập</label>
            <select id="import-pick" value={selected} onChange={(e) => setSelected(e.currentTarget.value)}>
              {imports.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {selected ? <ImportView key={selected} roundPath={roundPath} importId={selected} /> : null}
      </section>
    </div>
  );
}

function ImportView({ roundPath, importId }: { roundPath: string; importId: string }) {
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  useEffect(() => {
    const ctl = new AbortController();
    poll(
      async () => {
        const r = await get<ImportReport>(`${roundPath}/rosters/${encodeURIComponent(importId)}`, ctl.signal);
        if (!ctl.signal.aborted) setReport(r);
        return r.status === 'completed' || r.status === 'failed' ? r : undefined;
      },
      { signal: ctl.signal, everyMs: 400 },
    ).catch((e: unknown) => {
      if ((e as Error).name !== 'AbortError') setError(e);
    });
    return () => ctl.abort();
  }, [roundPath, importId]);

  if (error) return <ErrorBox error={error} action={`Đọc lần nhập ${importId}`} />;
  if (!report) return <Progress label="Đang đọc lần nhập" />;
  const running = report.status !== 'completed' && report.status !== 'failed';
  const share =
    report.rowsRead && report.dataRows
      ? (report.rowsWritten ?? report.rowsRead) / report.dataRows
      : report.chunkCount
        ? (report.chunksDone ?? 0) / report.chunkCount
        : undefined;
  return (
    <div class="import">
      <p>
        <strong>{report.filename ?? importId}</strong> · mã <code>{report.importId}</code> · gửi lúc{' '}
        {formatDateTime(report.createdAt)}
        {report.completedAt ? ` · xong lúc ${formatDateTime(report.completedAt)}` : ''}
      </p>
      {running ? (
        <Progress
          label="Đang nhập danh sách"
          {...(share === undefined ? {} : { value: share })}
          detail={`${formatNumber(report.chunksDone ?? 0, 0)}/${formatNumber(report.chunkCount ?? 0, 0)} phần đã ghi`}
        />
      ) : (
        <p class="status-line" role="status">
          Đã nhập xong.
        </p>
      )}
      <dl class="counts">
        <Count label="Dòng dữ liệu" value={report.dataRows} />
        <Count label="Hợp lệ" value={report.valid} />
        <Count label="Bị từ chối" value={report.rejected} />
        <Count label="Cảnh báo" value={report.warnings} />
        <Count label="Đã lưu" value={report.stored} />
        <Count label="Trùng" value={report.duplicates} />
      </dl>
      {(report.errors?.length ?? 0) > 0 ? (
        <RowErrors errors={report.errors!} truncated={report.errorsTruncated === true} />
      ) : report.status === 'completed' ? (
        <p>Không có dòng nào bị lỗi.</p>
      ) : null}
      {report.status === 'completed' && (report.errors?.length ?? 0) > 0 ? (
        <div class="actions">
          <button
            type="button"
            onClick={() => {
              setDownloadError(null);
              download(
                `${roundPath}/rosters/${encodeURIComponent(importId)}/errors.csv`,
                `${importId}-loi.csv`,
              ).catch(setDownloadError);
            }}
          >
            Tải báo cáo lỗi (errors.csv)
          </button>
        </div>
      ) : null}
      <ErrorBox error={downloadError} action="Tải errors.csv" />
    </div>
  );
}

function Count({ label, value }: { label: string; value: number | undefined }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{formatNumber(value ?? null, 0)}</dd>
    </div>
  );
}

function RowErrors({ errors, truncated }: { errors: RowError[]; truncated: boolean }) {
  const [code, setCode] = useState('');
  const [text, setText] = useState('');
  const codes = useMemo(() => [...new Set(errors.map((e) => e.code))].sort(), [errors]);
  const shown = useMemo(() => {
    const needle = text.trim().toLocaleLowerCase('vi');
    return errors.filter(
      (e) =>
        (!code || e.code === code) &&
        (!needle ||
          `${e.row} ${e.column ?? ''} ${e.message} ${e.value ?? ''}`
            .toLocaleLowerCase('vi')
            .includes(needle)),
    );
  }, [errors, code, text]);
  return (
    <div>
      <h3>Báo cáo theo dòng</h3>
      <fieldset class="filters">
        <legend>Lọc các dòng lỗi</legend>
        <div class="field inline">
          <label for="err-code">Loại lỗi</label>
          <select id="err-code" value={code} onChange={(e) => setCode(e.currentTarget.value)}>
            <option value="">Tất cả ({errors.length})</option>
            {codes.map((c) => (
              <option key={c} value={c}>
                {CODE_LABEL[c] ?? c} ({errors.filter((e) => e.code === c).length})
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="err-text">Tìm</label>
          <input id="err-text" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
      </fieldset>
      {truncated ? <p class="notice">Chỉ hiện một phần các lỗi; tải errors.csv để xem đủ.</p> : null}
      <DataTable
        caption="Báo cáo dòng lỗi"
        rows={shown}
        rowKey={(e) => `${e.row}-${e.column}-${e.code}`}
        initialSort={{ key: 'row', dir: 'asc' }}
        columns={[
          { key: 'row', label: 'Dòng', value: (e) => e.row, numeric: true, render: (e) => String(e.row) },
          { key: 'column', label: 'Cột', value: (e) => e.column },
          ...(errors.some((e) => e.value !== undefined)
            ? [{ key: 'value', label: 'Giá trị', value: (e: RowError) => e.value }]
            : []),
          { key: 'code', label: 'Mã lỗi', value: (e) => e.code, render: (e) => <code>{e.code}</code> },
          { key: 'message', label: 'Nội dung', value: (e) => e.message },
        ]}
        empty="Không có dòng nào khớp bộ lọc."
      />
    </div>
  );
}
