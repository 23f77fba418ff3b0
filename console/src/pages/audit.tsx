/** Audit: who did what and when in a round, every service's entries merged, newest first (admins). */
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import type { User } from '../auth.ts';
import { DataTable } from '../components/data-table.tsx';
import { ErrorBox } from '../components/error-box.tsx';
import { Progress } from '../components/progress.tsx';
import { formatDateTime } from '../format.ts';
import { useLoad } from '../hooks.ts';
import type { Round } from '../types.ts';

export interface AuditEntry {
  id: string;
  at: string;
  by: string;
  service: string;
  action: string;
  target?: string;
  reason?: string;
}

/** Vietnamese names of the actions the services record (unknown ones are shown as their code). */
const ACTION: Record<string, string> = {
  ROUND_CREATED: 'Tạo đợt',
  ROUND_TRANSITION: 'Chuyển trạng thái',
  SCHEDULE_CHANGED: 'Đổi lịch',
  SEED_FIXED: 'Cố định hạt giống',
  ROSTER_UPLOAD_OVERRIDE: 'Nhận danh sách sau hạn',
  ROSTER_VERSION_REPLACED: 'Thay phiên bản danh sách',
  STAFF_PHONES_REPLACED: 'Cập nhật số điện thoại cán bộ',
  RESPONDENTS_EXPORTED: 'Xuất danh sách người dân',
  SAMPLE_REQUESTED: 'Chọn mẫu',
  SAMPLE_SUPERSEDED: 'Chọn mẫu lại (thay mẫu trước)',
  RESPONDENT_SUBSTITUTED: 'Thay thế người trả lời',
  LIST_DOWNLOADED: 'Tải danh sách',
  RATER_FORMS_CREATED: 'Tạo phiếu người đánh giá',
  PAPER_FORM_KEYED: 'Nhập phiếu giấy',
  PAPER_FORM_MISMATCH: 'Hai lần nhập lệch nhau',
  PAPER_FORM_RESOLVED: 'Giám sát viên xử lý chênh lệch',
  PAPER_FORM_STORED: 'Lưu phiếu giấy',
  ANSWER_CHANGED: 'Sửa câu trả lời phiếu giấy',
  REMINDER_SENT: 'Gửi nhắc nhở',
  PAR_CRITERIA_ATTACHED: 'Gắn bộ tiêu chí',
  SELF_ASSESSMENT_SCORED: 'Tự chấm điểm',
  SELF_ASSESSMENT_SUBMITTED: 'Gửi bản tự chấm',
  APPRAISAL_SCORED: 'Thẩm định điểm',
  APPRAISAL_PUBLISHED: 'Công bố kết quả thẩm định',
  APPRAISAL_RESPONDED: 'Đơn vị phản hồi thẩm định',
  ASSESSMENT_FINALISED: 'Chốt điểm thẩm định',
};
export const actionLabel = (code: string): string => ACTION[code] ?? code;

export function AuditTab({ round }: { round: Round; user: User }) {
  const path = `/api/rounds/${encodeURIComponent(round.id)}/audit`;
  const [pages, setPages] = useState<AuditEntry[][]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [more, setMore] = useState<unknown>(null);
  const first = useLoad(
    async (signal) => {
      const page = await get<{ items: AuditEntry[]; cursor?: string }>(`${path}?limit=200`, signal);
      setPages([page.items]);
      setCursor(page.cursor);
      return page;
    },
    [path],
  );
  const loadMore = async () => {
    setMore(null);
    try {
      const page = await get<{ items: AuditEntry[]; cursor?: string }>(
        `${path}?limit=200&cursor=${encodeURIComponent(cursor ?? '')}`,
      );
      setPages((p) => [...p, page.items]);
      setCursor(page.cursor);
    } catch (e) {
      setMore(e);
    }
  };
  const rows = pages.flat();
  return (
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">Nhật ký thao tác</h2>
      <p>
        Mọi thay đổi của đợt do ai, lúc nào, vì sao — từ mọi dịch vụ, mới nhất trước. Không chứa dữ liệu cá
        nhân.
      </p>
      {first.loading && rows.length === 0 ? <Progress label="Đang tải nhật ký" /> : null}
      <ErrorBox error={first.error} action="Tải nhật ký" />
      {first.loading && rows.length === 0 ? null : (
        <DataTable
          caption="Nhật ký thao tác của đợt"
          rows={rows}
          rowKey={(e) => e.id}
          pageSize={20}
          empty="Chưa có thao tác nào được ghi."
          columns={[
            { key: 'at', label: 'Thời điểm', value: (e) => e.at, render: (e) => formatDateTime(e.at) },
            { key: 'by', label: 'Người thực hiện', value: (e) => e.by },
            { key: 'action', label: 'Thao tác', value: (e) => actionLabel(e.action) },
            { key: 'target', label: 'Đối tượng', value: (e) => e.target ?? '' },
            { key: 'reason', label: 'Lý do', value: (e) => e.reason ?? '' },
            { key: 'service', label: 'Dịch vụ', value: (e) => e.service },
          ]}
        />
      )}
      {cursor ? (
        <p>
          <button type="button" onClick={() => void loadMore()}>
            Tải thêm
          </button>
        </p>
      ) : null}
      <ErrorBox error={more} action="Tải thêm nhật ký" />
    </section>
  );
}
