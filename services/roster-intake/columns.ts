import { foldKey } from '../../shared/domain/index.ts';

export const COLUMNS = {
  fullName: {
    label: 'Họ và tên',
    required: true,
    aliases: ['Họ và tên', 'Họ tên', 'ho_ten', 'Tên người nộp', 'full name'],
  },
  phone: {
    label: 'Số điện thoại',
    required: true,
    aliases: ['Số điện thoại', 'SĐT', 'Điện thoại', 'so_dien_thoai', 'Số ĐT', 'phone'],
  },
  dossierId: { label: 'Mã hồ sơ', required: true, aliases: ['Mã hồ sơ', 'ma_ho_so', 'Số hồ sơ'] },
  field: { label: 'Lĩnh vực', required: true, aliases: ['Lĩnh vực', 'linh_vuc'] },
  unitCode: { label: 'Mã đơn vị', required: true, aliases: ['Mã đơn vị', 'ma_don_vi'] },
  completedOn: {
    label: 'Ngày hoàn thành',
    required: true,
    aliases: ['Ngày hoàn thành', 'ngay_hoan_thanh', 'Ngày trả kết quả'],
  },
  birthYear: { label: 'Năm sinh', required: false, aliases: ['Năm sinh', 'nam_sinh'] },
  sex: { label: 'Giới tính', required: false, aliases: ['Giới tính', 'gioi_tinh'] },
  address: { label: 'Địa chỉ', required: false, aliases: ['Địa chỉ', 'dia_chi', 'Nơi cư trú'] },
  /** PAR rater rosters: the rater group's code in the round's rater matrix (e.g. LD_SO, DB_HDND). */
  raterGroup: {
    label: 'Nhóm đối tượng',
    required: false,
    aliases: ['Nhóm đối tượng', 'nhom_doi_tuong', 'Nhóm người đánh giá', 'Mã nhóm'],
  },
} as const;

export type ColumnKey = keyof typeof COLUMNS;

const ALIAS_INDEX = new Map<string, ColumnKey>(
  (Object.entries(COLUMNS) as Array<[ColumnKey, (typeof COLUMNS)[ColumnKey]]>).flatMap(([key, def]) =>
    def.aliases.map((a) => [foldKey(a), key] as [string, ColumnKey]),
  ),
);

/** Column index of each recognised header cell; unknown columns (STT, Ghi chú …) are ignored. */
export const mapHeader = (cells: string[]): Map<ColumnKey, number> => {
  const found = new Map<ColumnKey, number>();
  cells.forEach((cell, i) => {
    const key = ALIAS_INDEX.get(foldKey(cell));
    if (key && !found.has(key)) found.set(key, i);
  });
  return found;
};

/** Recognised columns of the best line among the first 20 of a text (encoding detection). */
export const headerStrength = (text: string, delimiter: string): number => {
  let best = 0;
  for (const line of text.split(/\r\n|\n|\r/, 20)) {
    best = Math.max(best, mapHeader(line.split(delimiter).map((c) => c.replace(/^"|"$/g, ''))).size);
  }
  return best;
};
