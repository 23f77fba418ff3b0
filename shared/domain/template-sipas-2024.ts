/**
 * SIPAS questionnaire, 2024 round, method QĐ 1001/QĐ-BNV (2023–2026) — methodology.md §4.2.
 *
 * Sections follow the method's three aspects (khía cạnh) plus the personal-information block:
 *   I  Nhận định, đánh giá (perceptions, 8 criteria) — choice questions, not scored;
 *   II Mức độ hài lòng (satisfaction) — scored, in two parts that are the scoring "aspects" here:
 *      CS = policy-making and implementation (P1–P4), DV = administrative services (S1–S5);
 *   III Nhu cầu, mong đợi (needs and expectations, 10 indicators) — not scored;
 *   IV Thông tin cá nhân (respondent information, §4.3) — not scored.
 *
 * Provenance: S1's three items are those reported for 2024 [source: LaoDong-2025] (`official`, wording
 * as reported, not verbatim); S2 has four items [source: LaoDong-2025] whose texts, like those of
 * P1–P4 and S3–S5, were not found and are written from the element definitions and the QĐ 2640 item
 * texts [source: TVPL-news-2640] (`adapted`). A province replaces them with the year's official form by
 * loading a new template version.
 */
import type { Question, QuestionnaireTemplate } from './template.ts';

export const SATISFACTION_LABELS_VI = [
  'Rất không hài lòng',
  'Không hài lòng',
  'Bình thường',
  'Hài lòng',
  'Rất hài lòng',
] as const;

function item(
  id: string,
  elementCode: string,
  text: string,
  provenance: Question['provenance'],
  source?: string,
): Question {
  return {
    id,
    type: 'scale',
    text,
    required: false,
    elementCode,
    provenance,
    ...(source === undefined ? {} : { source }),
  };
}

function choice(
  id: string,
  type: 'single' | 'multi',
  text: string,
  labels: readonly string[],
  extra: Partial<Question> = {},
): Question {
  return {
    id,
    type,
    text,
    required: false,
    options: labels.map((label, i) => ({ value: String(i + 1), label })),
    provenance: 'adapted',
    ...extra,
  };
}

/** Aspect 1 criteria [source: TVPL-news-1001]; question wording and options are ours. */
function perception(id: string, type: 'single' | 'multi', text: string, labels: readonly string[]): Question {
  return choice(id, type, text, labels, { source: 'TVPL-news-1001' });
}

const YES_NO_UNSURE = ['Có', 'Không', 'Không nhớ / không rõ'] as const;

export const SIPAS_2024: QuestionnaireTemplate = {
  id: 'sipas-2024-v1',
  kind: 'SIPAS',
  year: 2024,
  version: 1,
  title:
    'Phiếu khảo sát sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước năm 2024',
  methodRef: 'QĐ 1001/QĐ-BNV ngày 11/12/2023',
  respondents: 'Người dân từ 18 tuổi trở lên, người đại diện tổ chức',
  scale: { min: 1, max: 5, labels: [...SATISFACTION_LABELS_VI], satisfiedLevels: [4, 5] },
  aspects: [
    { code: 'CS', name: 'Xây dựng, tổ chức thực hiện chính sách' },
    { code: 'DV', name: 'Cung ứng dịch vụ hành chính công' },
  ],
  elements: [
    { code: 'P1', name: 'Trách nhiệm giải trình', aspectCode: 'CS' },
    { code: 'P2', name: 'Cơ hội tham gia', aspectCode: 'CS' },
    { code: 'P3', name: 'Chất lượng tổ chức thực hiện chính sách', aspectCode: 'CS' },
    { code: 'P4', name: 'Kết quả, tác động của chính sách', aspectCode: 'CS' },
    { code: 'S1', name: 'Tiếp cận dịch vụ', aspectCode: 'DV' },
    { code: 'S2', name: 'Thủ tục hành chính', aspectCode: 'DV' },
    { code: 'S3', name: 'Công chức trực tiếp giải quyết công việc', aspectCode: 'DV' },
    { code: 'S4', name: 'Kết quả cung ứng dịch vụ', aspectCode: 'DV' },
    { code: 'S5', name: 'Tiếp nhận, xử lý phản ánh, kiến nghị', aspectCode: 'DV' },
  ],
  sections: [
    {
      id: 'nhan_dinh',
      title: 'Phần I. Nhận định, đánh giá',
      questions: [
        perception(
          'nd_1',
          'single',
          'Ông/Bà quan tâm theo dõi các chính sách công của địa phương ở mức độ nào?',
          ['Rất quan tâm', 'Quan tâm', 'Ít quan tâm', 'Không quan tâm'],
        ),
        perception('nd_2', 'multi', 'Ông/Bà thường tìm hiểu thông tin về chính sách qua những kênh nào?', [
          'Truyền hình, phát thanh',
          'Báo in, báo điện tử',
          'Cổng/trang thông tin điện tử của cơ quan nhà nước',
          'Mạng xã hội',
          'Loa truyền thanh cơ sở',
          'Họp thôn, tổ dân phố',
          'Cán bộ, công chức trực tiếp phổ biến',
          'Kênh khác',
        ]),
        perception(
          'nd_3',
          'single',
          'Các hình thức cung cấp thông tin chính sách hiện nay có phù hợp với Ông/Bà không?',
          ['Rất phù hợp', 'Phù hợp', 'Chưa phù hợp', 'Không phù hợp'],
        ),
        perception('nd_4', 'single', 'Ông/Bà có sẵn sàng góp ý cho chính sách khi được hỏi ý kiến không?', [
          'Sẵn sàng',
          'Chưa sẵn sàng',
          'Không sẵn sàng',
        ]),
        perception(
          'nd_5',
          'single',
          'Ông/Bà có gặp công chức gây phiền hà, sách nhiễu khi giải quyết công việc không?',
          YES_NO_UNSURE,
        ),
        perception(
          'nd_6',
          'single',
          'Ông/Bà có phải đưa tiền, quà ngoài quy định khi giải quyết công việc không?',
          YES_NO_UNSURE,
        ),
        perception('nd_7', 'multi', 'Hình thức nộp hồ sơ, nhận kết quả nào phù hợp với Ông/Bà?', [
          'Trực tiếp tại bộ phận một cửa',
          'Qua dịch vụ bưu chính công ích',
          'Trực tuyến (dịch vụ công)',
        ]),
        perception(
          'nd_8',
          'multi',
          'Trong 12 tháng qua, Ông/Bà đã trải nghiệm những chính sách, dịch vụ nào?',
          [
            'Chính sách công của địa phương',
            'Dịch vụ hành chính công (thủ tục hành chính)',
            'Dịch vụ công cơ bản thiết yếu (y tế, giáo dục, điện, nước…)',
          ],
        ),
      ],
    },
    {
      id: 'hai_long_cs',
      title: 'Phần II.A. Mức độ hài lòng về xây dựng, tổ chức thực hiện chính sách',
      questions: [
        item('p1_1', 'P1', 'Cơ quan nhà nước giải thích rõ mục tiêu, nội dung của chính sách', 'adapted'),
        item(
          'p1_2',
          'P1',
          'Cơ quan nhà nước trả lời đầy đủ các câu hỏi của người dân về chính sách',
          'adapted',
        ),
        item('p1_3', 'P1', 'Người có trách nhiệm công khai kết quả thực hiện chính sách', 'adapted'),
        item('p2_1', 'P2', 'Người dân được lấy ý kiến khi xây dựng chính sách', 'adapted'),
        item('p2_2', 'P2', 'Ý kiến của người dân được tiếp thu, phản hồi', 'adapted'),
        item('p2_3', 'P2', 'Người dân được tham gia giám sát việc thực hiện chính sách', 'adapted'),
        item('p3_1', 'P3', 'Chính sách được phổ biến kịp thời đến người dân', 'adapted'),
        item('p3_2', 'P3', 'Chính sách được thực hiện đúng quy định, công bằng', 'adapted'),
        item('p3_3', 'P3', 'Nguồn lực thực hiện chính sách được sử dụng đúng mục đích', 'adapted'),
        item('p4_1', 'P4', 'Chính sách đáp ứng nhu cầu của người dân', 'adapted'),
        item('p4_2', 'P4', 'Chính sách góp phần cải thiện đời sống của người dân', 'adapted'),
        item('p4_3', 'P4', 'Chính sách góp phần phát triển kinh tế – xã hội của địa phương', 'adapted'),
      ],
    },
    {
      id: 'hai_long_dv',
      title: 'Phần II.B. Mức độ hài lòng về cung ứng dịch vụ hành chính công',
      questions: [
        item(
          's1_1',
          'S1',
          'Nơi tiếp nhận và trả kết quả có biển hiệu, chỉ dẫn rõ ràng, dễ tìm',
          'official',
          'LaoDong-2025',
        ),
        item(
          's1_2',
          'S1',
          'Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi, bàn viết cho người dân chờ và viết hồ sơ',
          'official',
          'LaoDong-2025',
        ),
        item(
          's1_3',
          'S1',
          'Trang thiết bị phục vụ người dân đầy đủ, chất lượng tốt, dễ sử dụng',
          'official',
          'LaoDong-2025',
        ),
        item('s2_1', 'S2', 'Thủ tục hành chính được niêm yết công khai, đầy đủ', 'adapted', 'TVPL-news-2640'),
        item('s2_2', 'S2', 'Thành phần hồ sơ phải nộp đúng quy định', 'adapted'),
        item('s2_3', 'S2', 'Phí, lệ phí phải nộp đúng quy định', 'adapted'),
        item('s2_4', 'S2', 'Thời hạn giải quyết theo quy định là hợp lý', 'adapted'),
        item('s3_1', 'S3', 'Công chức có thái độ giao tiếp lịch sự', 'adapted', 'TVPL-news-2640'),
        item(
          's3_2',
          'S3',
          'Công chức chú ý lắng nghe, trả lời đầy đủ các ý kiến của người dân',
          'adapted',
          'TVPL-news-2640',
        ),
        item(
          's3_3',
          'S3',
          'Công chức hướng dẫn kê khai hồ sơ tận tình, chu đáo',
          'adapted',
          'TVPL-news-2640',
        ),
        item(
          's3_4',
          'S3',
          'Công chức tuân thủ đúng quy định trong giải quyết công việc',
          'adapted',
          'TVPL-news-2640',
        ),
        item('s4_1', 'S4', 'Kết quả được trả đúng hẹn', 'adapted', 'TVPL-news-2640'),
        item('s4_2', 'S4', 'Kết quả giải quyết đúng quy định', 'adapted'),
        item('s4_3', 'S4', 'Kết quả có thông tin đầy đủ, chính xác', 'adapted'),
        item('s5_1', 'S5', 'Việc gửi phản ánh, kiến nghị dễ dàng', 'adapted'),
        item('s5_2', 'S5', 'Cơ quan tiếp nhận, xử lý phản ánh, kiến nghị tích cực', 'adapted'),
        item(
          's5_3',
          'S5',
          'Kết quả xử lý phản ánh, kiến nghị được thông báo kịp thời',
          'adapted',
          'TVPL-news-2640',
        ),
      ],
    },
    {
      id: 'mong_doi',
      title: 'Phần III. Nhu cầu, mong đợi',
      questions: [
        choice(
          'mm_1',
          'multi',
          'Ông/Bà mong muốn cơ quan hành chính nhà nước cải thiện những nội dung nào? (chọn tối đa 3)',
          [
            'Mở rộng hình thức thông tin về chính sách',
            'Tăng cường lấy ý kiến người dân khi xây dựng chính sách',
            'Nâng cao chất lượng thực hiện chính sách',
            'Cải thiện cơ sở vật chất nơi tiếp nhận hồ sơ',
            'Đơn giản hóa thủ tục hành chính',
            'Cải thiện thái độ phục vụ của công chức',
            'Nâng cao năng lực giải quyết công việc của công chức',
            'Rút ngắn thời gian giải quyết',
            'Mở rộng dịch vụ công trực tuyến',
            'Cải thiện việc tiếp nhận, xử lý phản ánh, kiến nghị',
          ],
          { maxSelections: 3, source: 'VNA-2025' },
        ),
        {
          id: 'mm_2',
          type: 'text',
          text: 'Ý kiến khác của Ông/Bà',
          required: false,
          maxLength: 2000,
          provenance: 'adapted',
        },
      ],
    },
    {
      id: 'thong_tin',
      title: 'Phần IV. Thông tin cá nhân',
      description: 'Thông tin chỉ dùng để thống kê; không ghi họ tên, số điện thoại.',
      personal: true,
      questions: [
        choice('tt_doi_tuong', 'single', 'Ông/Bà trả lời với tư cách', ['Cá nhân', 'Người đại diện tổ chức']),
        choice('tt_gioi_tinh', 'single', 'Giới tính', ['Nam', 'Nữ', 'Khác']),
        choice('tt_tuoi', 'single', 'Độ tuổi', ['18–25', '26–35', '36–45', '46–60', 'Trên 60']),
        choice('tt_dan_toc', 'single', 'Dân tộc', ['Kinh', 'Khác']),
        choice('tt_hoc_van', 'single', 'Trình độ học vấn', [
          'Tiểu học trở xuống',
          'Trung học cơ sở',
          'Trung học phổ thông',
          'Trung cấp, cao đẳng',
          'Đại học trở lên',
        ]),
        choice('tt_nghe_nghiep', 'single', 'Nghề nghiệp', [
          'Nông, lâm, ngư nghiệp',
          'Công nhân',
          'Kinh doanh, dịch vụ',
          'Cán bộ, công chức, viên chức',
          'Học sinh, sinh viên',
          'Nghỉ hưu, nội trợ',
          'Khác',
        ]),
        choice('tt_khu_vuc', 'single', 'Nơi sinh sống', ['Thành thị', 'Nông thôn']),
      ],
    },
  ],
};
