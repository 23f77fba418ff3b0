import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { homePage, openByCode } from '../../../services/web/form-pages.ts';
import { DEFAULT_TEMPLATE_IDS, encodePaperCode, getTemplate } from '../../../shared/domain/index.ts';
import { keysFromSecret } from '../../../shared/platform/crypto.ts';
import { CODE_CHECKER, ENHANCER, formPage, STYLE } from '../../../shared/ui/form-page.ts';
import { pageCsp } from '../../../shared/ui/form-view.ts';

const template = getTemplate(DEFAULT_TEMPLATE_IDS.SIPAS);

describe('public form budget and CSP', () => {
  it("the form's own JS + CSS are under 100 KB gzip", () => {
    const bytes = gzipSync(Buffer.from(ENHANCER + CODE_CHECKER + STYLE)).length;
    console.log(`public form JS+CSS: ${bytes} B gzip (budget 102400 B)`);
    expect(bytes).toBeGreaterThan(500);
    expect(bytes).toBeLessThan(100 * 1024);
  });

  it('the CSP has no unsafe-inline and allows the script and style by hash', () => {
    const csp = pageCsp([ENHANCER]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
  });

  it('numbers questions like the messages do and escapes free text', () => {
    const html = formPage({
      template,
      roundName: '<b>x</b>',
      unitName: 'U',
      fieldName: 'F',
      token: 'tok',
      values: { [template.sections[0]!.questions[0]!.id]: 1 },
    });
    expect(html).toContain('&#60;b&#62;x&#60;/b&#62;');
    expect(html).not.toContain('<b>x');
    expect(html).toMatch(/Câu [A-Z0-9.]+\./);
    expect(html).toContain(`Phần 1/${template.sections.length}`);
  });
});

describe('start page and paper code', () => {
  const keys = keysFromSecret('unit-test-secret-unit-test-secret');
  const good = encodePaperCode(new Uint8Array(32).fill(7));

  it('start page: one input, autocomplete off, message tied by aria-describedby', () => {
    const page = homePage();
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('autocomplete="off"');
    expect(page.body).toContain('aria-describedby="code-hint code-msg"');
    expect(page.headers?.['content-security-policy']).not.toContain('unsafe-inline');
  });

  it('a typo is refused before any lookup', async () => {
    let lookups = 0;
    const wrong = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
    const res = await openByCode(wrong, {
      keys: async () => keys,
      samples: {
        findByCodeHash: async () => {
          lookups++;
          return null;
        },
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['x-error-code']).toBe('PAPER_CODE_MISTYPED');
    expect(res.body).toContain('aria-invalid="true"');
    expect(lookups).toBe(0);
  });

  it('a well-formed unknown code is looked up once → 404', async () => {
    let lookups = 0;
    const res = await openByCode(good, {
      keys: async () => keys,
      samples: {
        findByCodeHash: async () => {
          lookups++;
          return null;
        },
      },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers?.['x-error-code']).toBe('CODE_NOT_FOUND');
    expect(lookups).toBe(1);
  });
});
