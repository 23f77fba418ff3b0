/** Errors the gateway itself answers with, in the API's error model: `{ error: { code, message } }`. */
export type GatewayErrorCode =
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHENTICATED'
  | 'INVALID_TOKEN'
  | 'INTERNAL_ERROR'
  | 'GATEWAY_TIMEOUT'
  | 'SERVICE_UNAVAILABLE';

const GATEWAY_ERRORS: Record<GatewayErrorCode, { status: number; message: string }> = {
  NOT_FOUND: { status: 404, message: 'Không tìm thấy đường dẫn được yêu cầu.' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Phương thức HTTP này không được hỗ trợ cho đường dẫn này.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'Nội dung gửi lên vượt quá giới hạn cho phép.' },
  UNAUTHENTICATED: { status: 401, message: 'Cần đăng nhập: thiếu mã xác thực (Authorization: Bearer …).' },
  INVALID_TOKEN: { status: 401, message: 'Mã xác thực không hợp lệ hoặc đã hết hạn.' },
  INTERNAL_ERROR: { status: 500, message: 'Lỗi hệ thống. Vui lòng thử lại sau.' },
  GATEWAY_TIMEOUT: { status: 504, message: 'Máy chủ xử lý quá thời gian cho phép. Vui lòng thử lại sau.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'Máy chủ đang khởi động hoặc đang dừng. Vui lòng thử lại sau.',
  },
};

export const gatewayError = (code: GatewayErrorCode): { status: number; body: string } => {
  const { status, message } = GATEWAY_ERRORS[code];
  return { status, body: JSON.stringify({ error: { code, message } }) };
};
