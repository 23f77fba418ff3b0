/**
 * The console's Content-Security-Policy, one definition for the local gateway
 * (infra/local/console-site.ts) and the CloudFront response-headers policy
 * (infra/constructs/console-site.ts). No inline script or style: Vite emits external files only.
 */
export const consoleCsp = (connectSrc: readonly string[] = []): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
