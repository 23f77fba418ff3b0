import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

// On the first page load the browser starts at the top (skip link first); afterwards every page
// change moves focus to the new heading so screen readers announce it.
let firstLoad = true;

/** A page's heading: sets the document title and takes focus after navigation (screen readers hear it). */
export function PageHeading({ children, title }: { children: ComponentChildren; title: string }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Bảng điều hành dieutra`;
    if (firstLoad) firstLoad = false;
    else h1.current?.focus({ preventScroll: false });
  }, [title]);
  return (
    <h1 ref={h1} tabIndex={-1}>
      {children}
    </h1>
  );
}
