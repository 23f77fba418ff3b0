/**
 * Provincial internal PAR Index survey, 2024: a leader, delegate or journalist rates ONE target unit
 * (a department, a district PC before 1/7/2025, or a commune/ward PC) — methodology.md §2.3, §3, §6.5.
 *
 * Elements are the seven content areas of the PAR Index scored by appraisal (QĐ 876/QĐ-BNV fields 1–7
 * [source: PhuYen-ICT] [source: VietnamVN-QuangNam]); the eighth field (impact) is this survey itself.
 * Every rated item is a single choice A–D worth `maxPoints` (2 points, 15 items = 30 points, the survey
 * share Hà Nội uses for its district-level index [source: ThuongGia-HN]); option weights A/B/C/D are a
 * per-round setting (`ParRules.optionWeights`), option X ("cannot judge") is an abstention by default.
 * No official wording was found: every item is `adapted`.
 */
import type { Question, QuestionnaireTemplate } from './template.ts';

export const PAR_RATING_OPTIONS = [
  { value: 'A', label: 'Tốt' },
  { value: 'B', label: 'Khá' },
  { value: 'C', label: 'Trung bình' },
  { value: 'D', label: 'Yếu' },
  { value: 'X', label: 'Không đủ thông tin để đánh giá' },
];

function rated(id: string, elementCode: string, text: string): Question {
  return {
    id,
    type: 'single',
    text,
    required: true,
    options: PAR_RATING_OPTIONS,
    elementCode,
    maxPoints: 2,
    provenance: 'adapted',
  };
}

export const PAR_PROVINCE_2024: QuestionnaireTemplate = {
  id: 'par-province-2024-v1',
  kind: 'PAR',
  year: 2024,
  version: 1,
  title:
    'Phiếu điều tra xã hội học phục vụ xác định Chỉ số cải cách hành chính năm 2024 của các sở, ban, ngành và UBND cấp xã',
  methodRef: 'QĐ 876/QĐ-BNV ngày 10/11/2022 (tham chiếu); kế hoạch của UBND tỉnh',
  respondents:
    'Đại biểu HĐND tỉnh; lãnh đạo UBMTTQ và đoàn thể; lãnh đạo sở, ban, ngành; lãnh đạo UBND, Thường trực HĐND cấp dưới; cơ quan báo chí',
  targetLevels: ['department', 'district', 'commune'],
  declaredMaxPoints: 30,
  scale: {
    min: 1,
    max: 5,
    labels: ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'],
    satisfiedLevels: [4, 5],
  },
  elements: [
    { code: 'LV1', name: 'Công tác chỉ đạo, điều hành cải cách hành chính' },
    { code: 'LV2', name: 'Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật' },
    { code: 'LV3', name: 'Cải cách thủ tục hành chính' },
    { code: 'LV4', name: 'Cải cách tổ chức bộ máy hành chính' },
    { code: 'LV5', name: 'Cải cách chế độ công vụ' },
    { code: 'LV6', name: 'Cải cách tài chính công' },
    { code: 'LV7', name: 'Xây dựng, phát triển chính quyền điện tử, chính quyền số' },
  ],
  sections: [
    {
      id: 'danh_gia',
      title: 'Phần I. Đánh giá kết quả cải cách hành chính của đơn vị',
      description:
        'Mỗi câu chọn một phương án: A. Tốt; B. Khá; C. Trung bình; D. Yếu; X. Không đủ thông tin.',
      questions: [
        rated('lv1_1', 'LV1', 'Người đứng đầu đơn vị quan tâm chỉ đạo công tác cải cách hành chính'),
        rated('lv1_2', 'LV1', 'Đơn vị thực hiện đúng, đủ kế hoạch cải cách hành chính năm'),
        rated('lv2_1', 'LV2', 'Chất lượng văn bản quy phạm pháp luật do đơn vị tham mưu ban hành'),
        rated('lv2_2', 'LV2', 'Việc tổ chức thực hiện, kiểm tra, xử lý văn bản quy phạm pháp luật'),
        rated('lv3_1', 'LV3', 'Thủ tục hành chính thuộc thẩm quyền được công khai đầy đủ, kịp thời'),
        rated('lv3_2', 'LV3', 'Hồ sơ thủ tục hành chính được giải quyết đúng hạn'),
        rated('lv3_3', 'LV3', 'Việc tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính'),
        rated('lv4_1', 'LV4', 'Chức năng, nhiệm vụ của đơn vị được phân định rõ, không chồng chéo'),
        rated('lv4_2', 'LV4', 'Việc thực hiện phân cấp, ủy quyền trong quản lý'),
        rated('lv5_1', 'LV5', 'Tinh thần, thái độ phục vụ của cán bộ, công chức'),
        rated('lv5_2', 'LV5', 'Năng lực giải quyết công việc của cán bộ, công chức'),
        rated('lv6_1', 'LV6', 'Việc quản lý, sử dụng tài chính, tài sản công đúng quy định'),
        rated('lv6_2', 'LV6', 'Việc thực hiện cơ chế tự chủ tài chính của các đơn vị sự nghiệp'),
        rated('lv7_1', 'LV7', 'Việc cung cấp dịch vụ công trực tuyến của đơn vị'),
        rated('lv7_2', 'LV7', 'Việc ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của đơn vị'),
      ],
    },
    {
      id: 'y_kien',
      title: 'Phần II. Ý kiến khác',
      questions: [
        {
          id: 'yk_1',
          type: 'text',
          text: 'Đề xuất, kiến nghị của Ông/Bà để đơn vị nâng cao hiệu quả cải cách hành chính',
          required: false,
          maxLength: 2000,
          provenance: 'adapted',
        },
      ],
    },
    {
      id: 'thong_tin',
      title: 'Phần III. Thông tin người trả lời',
      description: 'Không ghi họ tên; thông tin chỉ dùng để thống kê.',
      personal: true,
      questions: [
        {
          id: 'tt_gioi_tinh',
          type: 'single',
          text: 'Giới tính',
          required: false,
          options: [
            { value: '1', label: 'Nam' },
            { value: '2', label: 'Nữ' },
            { value: '3', label: 'Khác' },
          ],
          provenance: 'adapted',
        },
        {
          id: 'tt_tham_nien',
          type: 'single',
          text: 'Thời gian Ông/Bà công tác tại vị trí hiện nay',
          required: false,
          options: [
            { value: '1', label: 'Dưới 1 năm' },
            { value: '2', label: 'Từ 1 đến 5 năm' },
            { value: '3', label: 'Trên 5 năm' },
          ],
          provenance: 'adapted',
        },
      ],
    },
  ],
};
