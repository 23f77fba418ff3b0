import type { ApiError } from '../api.ts';

/**
 * The API's Vietnamese message, its code, and what the user was doing when it happened; placed next
 * to the control that caused it. Detail lines name the field (JSON path) or the row and column.
 */
export function ErrorBox({ error, action, id }: { error: unknown; action: string; id?: string }) {
  if (!error) return null;
  const e = error as Partial<ApiError> & { message?: string };
  const details = e.details ?? [];
  return (
    <div class="error-box" role="alert" id={id}>
      <p>
        <strong>{action}: </strong>
        {e.message || 'Đã có lỗi.'}
        {e.code ? <span class="code"> ({e.code})</span> : null}
      </p>
      {details.length > 0 ? (
        <ul>
          {details.slice(0, 20).map((d, i) => (
            <li key={i}>
              {d.path ? <code>{d.path}</code> : null}
              {d.row ? `Dòng ${d.row}` : null}
              {d.column ? ` · ${d.column}` : null}
              {d.path || d.row || d.column ? ': ' : null}
              {d.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
