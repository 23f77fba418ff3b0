/**
 * The one-time-code step before a form opens (rounds with settings.requireOtp), as plain HTML forms
 * that work without JavaScript: "send the code" → "type the code" → the form (with its proof).
 * The phone is only ever named by its last digits.
 */
import { escapeHtml as e } from '../platform/text.ts';
import { page } from './form-page.ts';

const box = (error?: string): string =>
  error ? `<div class="box err" role="alert" id="otp-msg"><p>${e(error)}</p></div>` : '';

/** Step 1: why a code is needed, and the button that sends it. */
export const otpStartPage = (args: { token: string; roundName: string; error?: string }): string =>
  page(
    'Xác nhận người trả lời',
    `<section><p><strong>${e(args.roundName)}</strong></p>${box(args.error)}
<p>Phiếu này dành riêng cho bạn. Trước khi mở phiếu, chúng tôi gửi một <strong>mã xác nhận gồm 6 chữ số</strong> tới số điện thoại của bạn trong danh sách của đơn vị. Xin đừng nhờ người khác trả lời thay.</p>
<form method="post" action="/f/${e(args.token)}/otp"><p><button type="submit">Gửi mã xác nhận</button></p></form></section>`,
  );

/** Step 2: the code was sent; type it. */
export const otpCodePage = (args: {
  token: string;
  sentTo?: string;
  error?: string;
  value?: string;
}): string =>
  page(
    'Nhập mã xác nhận',
    `<section>${box(args.error)}${args.sentTo ? `<p role="status">Đã gửi mã tới số điện thoại ${e(args.sentTo)}. Mã có hiệu lực trong 10 phút.</p>` : ''}
<form method="post" action="/f/${e(args.token)}/otp/verify" novalidate><p><label for="otp">Mã xác nhận (6 chữ số)</label></p>
<p><input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="8" value="${e(args.value ?? '')}"${args.error ? ' aria-invalid="true" aria-describedby="otp-msg"' : ''}></p>
<p><button type="submit">Xác nhận và mở phiếu</button></p></form>
<form method="post" action="/f/${e(args.token)}/otp"><p class="note">Chưa nhận được tin nhắn? <button type="submit">Gửi lại mã</button></p></form></section>`,
  );
