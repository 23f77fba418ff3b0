/**
 * Printable letters (issue 9 item 8): one A4 page per respondent whose form is active, with the
 * survey explained in Vietnamese, the paper code, the link and the link as a QR code (inline SVG from
 * `qrcode`, so the page loads nothing). Every value is escaped; the page's CSP allows its one style
 * sheet by hash and nothing else (no script, no image source, no form), like the public form pages.
 */
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { type HttpResult, text } from '../../shared/platform/http.ts';
import { escapeHtml as e } from '../../shared/platform/text.ts';
import type { ListEntry } from './export-list.ts';

export const LETTER_STYLE = `
@page{size:A4;margin:18mm 18mm 16mm}
*{box-sizing:border-box}body{font-family:"Times New Roman",Times,serif;font-size:13pt;line-height:1.45;color:#000;margin:0;background:#e9ecef}
.letter{background:#fff;width:210mm;min-height:297mm;margin:8mm auto;padding:18mm;page-break-after:always;break-after:page}
.letter:last-child{page-break-after:auto;break-after:auto}
.head{display:flex;justify-content:space-between;text-align:center;font-size:12pt}.head b{display:block}
h1{font-size:15pt;text-align:center;margin:10mm 0 6mm}.to{margin:0 0 4mm}
.code{font:700 20pt/1.2 "Courier New",monospace;letter-spacing:1px}
.answer{display:flex;gap:8mm;align-items:center;border:1px solid #000;padding:5mm;margin:6mm 0}
.qr{width:42mm;height:42mm;flex:none}.qr svg{width:100%;height:100%}.link{word-break:break-all;font-family:"Courier New",monospace;font-size:11pt}
.sign{margin-top:10mm;text-align:right}.note{font-size:11pt}
@media print{body{background:#fff}.letter{margin:0;width:auto;min-height:0;padding:0}}
`;

const styleHash = `'sha256-${createHash('sha256').update(LETTER_STYLE).digest('base64')}'`;

/** The strict CSP of the letters page: its style sheet by hash, nothing else may load or run. */
export const LETTERS_CSP = [
  "default-src 'none'",
  `style-src ${styleHash}`,
  "script-src 'none'",
  "img-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The rounds carry no organiser's name yet: the letter signs as the survey's organising board. */
const ORGANISER = 'BAN TỔ CHỨC KHẢO SÁT';

const qrSvg = (link: string): Promise<string> =>
  QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });

const letter = async (
  entry: ListEntry,
  round: { name: string },
  baseUrl: string,
): Promise<string> => `<section class="letter" data-unit="${e(entry.unitCode)}" data-field="${e(entry.fieldCode)}" data-rank="${entry.rank}">
<div class="head"><div><b>${ORGANISER}</b></div><div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>Độc lập – Tự do – Hạnh phúc</div></div>
<h1>THƯ MỜI THAM GIA KHẢO SÁT<br>${e(round.name)}</h1>
<p class="to">Kính gửi: Ông/Bà <b>${e(entry.name)}</b><br>Địa chỉ: ${e(entry.address || '—')}</p>
<p>Ông/Bà đã giải quyết thủ tục hành chính lĩnh vực <b>${e(entry.fieldName)}</b> tại <b>${e(entry.unitName || entry.unitCode)}</b> và được chọn ngẫu nhiên theo phương pháp khoa học để tham gia khảo sát sự hài lòng của người dân đối với sự phục vụ của cơ quan hành chính nhà nước.</p>
<p>Ý kiến của Ông/Bà giúp các cơ quan cải thiện chất lượng phục vụ. Phiếu không ghi tên; câu trả lời chỉ được dùng để tổng hợp thống kê và được giữ bí mật. Việc trả lời mất khoảng 10 phút.</p>
<div class="answer"><div class="qr" role="img" aria-label="Mã QR dẫn tới phiếu khảo sát">${await qrSvg(entry.link)}</div>
<div><p>Cách 1: quét mã QR bằng điện thoại, hoặc mở đường dẫn:<br><span class="link">${e(entry.link)}</span></p>
<p>Cách 2: vào <span class="link">${e(baseUrl)}/</span> và nhập mã phiếu:<br><span class="code">${e(entry.paperCode)}</span></p></div></div>
<p class="note">Mỗi mã phiếu chỉ dùng được một lần và chỉ dành cho Ông/Bà; xin đừng chuyển cho người khác. Nếu không tiện trả lời trực tuyến, Ông/Bà có thể điền phiếu giấy gửi kèm và nhờ bưu điện chuyển lại, ghi mã phiếu ở trên.</p>
<p class="sign">Trân trọng cảm ơn Ông/Bà.<br><b>${ORGANISER}</b></p>
</section>`;

/** The letters page for the given entries (already filtered to the caller's units and active forms). */
export const lettersPage = async (
  entries: readonly ListEntry[],
  round: { name: string },
  baseUrl: string,
): Promise<HttpResult> => {
  const sections: string[] = [];
  for (const entry of entries) sections.push(await letter(entry, round, baseUrl));
  const body = sections.length
    ? sections.join('\n')
    : '<section class="letter"><p>Không có người nào cần gửi thư trong phạm vi đã chọn.</p></section>';
  return text(
    200,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>Thư mời khảo sát – ${e(round.name)}</title><style>${LETTER_STYLE}</style></head><body>${body}</body></html>`,
    { 'content-security-policy': LETTERS_CSP },
  );
};
