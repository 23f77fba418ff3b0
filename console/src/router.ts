/** A small history router under /ops/ (deep links work: the server answers index.html for them). */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/ops';
const listeners = new Set<() => void>();

export const navigate = (href: string, replace = false): void => {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  for (const l of listeners) l();
};

addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export const useLocation = (): { path: string; search: string } => {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    return () => listeners.delete(l);
  }, []);
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/';
  return { path, search: location.search };
};

/** `pattern` like `/rounds/:id/rosters`; returns the named segments or null. */
export const matchPath = (pattern: string, path: string): Record<string, string> | null => {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(b[i]!);
    else if (p !== b[i]) return null;
  }
  return params;
};

/** Same-document navigation for plain left clicks; modified clicks keep the browser's behaviour. */
export const onLinkClick = (e: MouseEvent): void => {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const href = a.getAttribute('href');
  if (!href?.startsWith(`${BASE}/`) || a.hasAttribute('download') || a.target) return;
  e.preventDefault();
  navigate(href);
};
