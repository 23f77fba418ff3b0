/** Built-in PAR Index compositions, versioned by year (methodology.md §6.3–6.5). */
import { type ParIndexConfig, parseParIndexConfig } from './par-index.ts';

/**
 * Provincial PAR Index under QĐ 876/QĐ-BNV (from the 2022 round): 61.5 appraised + 38.5 impact, the
 * impact being SIPAS 10 + leaders/managers survey 22 + socio-economic 6.5 [source: NinhThuan-SNV].
 * The appraised block is one component here: its criteria counts under QĐ 876 are not confirmed (§6.3);
 * a round can replace it with its field → criterion → sub-criterion tree.
 */
export const NATIONAL_PROVINCE_PAR_2022: ParIndexConfig = parseParIndexConfig({
  id: 'par-national-province-2022',
  year: 2022,
  level: 'province',
  methodRef: 'QĐ 876/QĐ-BNV ngày 10/11/2022',
  declaredMaxPoints: 100,
  components: [
    { code: 'THAM_DINH', name: 'Điểm thẩm định', maxPoints: 61.5, source: 'appraised' },
    {
      code: 'TAC_DONG',
      name: 'Điểm điều tra xã hội học, đánh giá tác động',
      maxPoints: 38.5,
      children: [
        { code: 'SIPAS', name: 'Chỉ số SIPAS', maxPoints: 10, source: 'sipas' },
        { code: 'LANH_DAO', name: 'Khảo sát lãnh đạo, quản lý', maxPoints: 22, source: 'survey' },
        { code: 'KTXH', name: 'Phát triển kinh tế – xã hội', maxPoints: 6.5, source: 'socio-economic' },
      ],
    },
  ],
});

/**
 * Internal index of a province's departments and commune PCs [assumption — configurable]: 70 points of
 * appraised self-assessment over the seven PAR fields plus the 30-point survey of
 * `par-province-2024-v1` (Hà Nội's survey share [source: ThuongGia-HN]). Field maxima are ours.
 */
export const PROVINCE_INTERNAL_PAR_2024: ParIndexConfig = parseParIndexConfig({
  id: 'par-internal-2024',
  year: 2024,
  level: 'department',
  declaredMaxPoints: 100,
  components: [
    {
      code: 'THAM_DINH',
      name: 'Điểm thẩm định',
      maxPoints: 70,
      source: 'appraised',
      children: [
        { code: 'LV1', name: 'Công tác chỉ đạo, điều hành cải cách hành chính', maxPoints: 10 },
        { code: 'LV2', name: 'Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật', maxPoints: 8 },
        { code: 'LV3', name: 'Cải cách thủ tục hành chính', maxPoints: 14 },
        { code: 'LV4', name: 'Cải cách tổ chức bộ máy hành chính', maxPoints: 8 },
        { code: 'LV5', name: 'Cải cách chế độ công vụ', maxPoints: 10 },
        { code: 'LV6', name: 'Cải cách tài chính công', maxPoints: 8 },
        { code: 'LV7', name: 'Xây dựng, phát triển chính quyền điện tử, chính quyền số', maxPoints: 12 },
      ],
    },
    { code: 'DTXHH', name: 'Điều tra xã hội học', maxPoints: 30, source: 'survey' },
  ],
});

export const PAR_INDEX_CONFIGS: readonly ParIndexConfig[] = [
  NATIONAL_PROVINCE_PAR_2022,
  PROVINCE_INTERNAL_PAR_2024,
];
