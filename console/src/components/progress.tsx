/** A labelled progress bar; indeterminate when `value` is undefined. Announced politely. */
export function Progress({ label, value, detail }: { label: string; value?: number; detail?: string }) {
  return (
    <div class="progress" role="status" aria-live="polite">
      <span class="progress-label">
        {label}
        {value !== undefined ? ` — ${Math.round(value * 100)} %` : '…'}
      </span>
      {value !== undefined ? (
        <progress max={1} value={value} aria-label={label} />
      ) : (
        <progress aria-label={label} />
      )}
      {detail ? <span class="progress-detail">{detail}</span> : null}
    </div>
  );
}
