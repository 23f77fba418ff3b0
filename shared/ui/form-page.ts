/**
 * Server-rendered Vietnamese pages. Every dynamic value goes through escapeHtml. The form
 * works as a plain HTML form post; the inline script only upgrades it to a JSON post to
 * the API and shows the receipt without a page load.
 */
import type { Question, QuestionnaireTemplate } from '../domain/index.ts';
import { escapeHtml as e } from '../platform/text.ts';

const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1c2733;line-height:1.5}
main{max-width:720px;margin:0 auto;padding:16px}header{background:#b71c1c;color:#fff;padding:16px}header h1{margin:0;font-size:1.25rem}
section{background:#fff;border-radius:8px;padding:16px;margin:16px 0;box-shadow:0 1px 2px #0002}h2{font-size:1.1rem;margin-top:0}
fieldset{border:0;border-top:1px solid #e3e7eb;margin:0;padding:12px 0}legend{font-weight:600;padding:0}
.opts{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.opts label{border:1px solid #c5ccd3;border-radius:6px;padding:8px 10px;min-height:44px;display:flex;align-items:center;gap:6px;cursor:pointer}
textarea{width:100%;min-height:80px;font:inherit;padding:8px}button{background:#b71c1c;color:#fff;border:0;border-radius:6px;padding:12px 24px;font-size:1rem;min-height:44px;cursor:pointer}
.err{color:#b71c1c;font-weight:600}.req{color:#b71c1c}.note{color:#55606b;font-size:.9rem}.box{padding:12px;border-radius:6px;background:#fdecea}
`;

export const page = (title: string, body: string): string =>
  `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${e(title)}</title><style>${STYLE}</style></head><body><header><h1>${e(title)}</h1></header><main>${body}</main></body></html>`;

export const messagePage = (title: string, message: string): string =>
  page(title, `<section><p>${e(message)}</p></section>`);

export type FormValues = Record<string, unknown>;

const checked = (values: FormValues, q: Question, v: string): string => {
  const current = values[q.id];
  const hit = Array.isArray(current)
    ? current.map(String).includes(v)
    : current !== undefined && String(current) === v;
  return hit ? ' checked' : '';
};

const renderQuestion = (
  template: QuestionnaireTemplate,
  q: Question,
  values: FormValues,
  error?: string,
): string => {
  const required = q.required ? ' <span class="req" aria-label="bắt buộc">*</span>' : '';
  const err = error ? `<p class="err" id="err-${e(q.id)}">${e(error)}</p>` : '';
  const name = e(q.id);
  let control: string;
  if (q.type === 'scale') {
    control = template.scale.labels
      .map((label, i) => {
        const v = String(template.scale.min + i);
        return `<label><input type="radio" name="${name}" value="${v}"${checked(values, q, v)}> ${v} – ${e(label)}</label>`;
      })
      .join('');
  } else if (q.type === 'single' || q.type === 'multi') {
    const type = q.type === 'single' ? 'radio' : 'checkbox';
    control = (q.options ?? [])
      .map(
        (o) =>
          `<label><input type="${type}" name="${name}" value="${e(o.value)}"${checked(values, q, o.value)}> ${e(o.label)}</label>`,
      )
      .join('');
  } else {
    const current = typeof values[q.id] === 'string' ? (values[q.id] as string) : '';
    return `<fieldset data-q="${name}" data-type="text"><legend><label for="q-${name}">${e(q.text)}${required}</label></legend>${err}<textarea id="q-${name}" name="${name}" maxlength="${q.maxLength ?? 2000}">${e(current)}</textarea></fieldset>`;
  }
  return `<fieldset data-q="${name}" data-type="${q.type}"><legend>${e(q.text)}${required}</legend>${err}<div class="opts">${control}</div></fieldset>`;
};

/** The form's only script; the page's CSP allows exactly this text by its hash. */
export const ENHANCER = `
(function(){var f=document.getElementById('survey');if(!f||!window.fetch||!window.FormData)return;
f.addEventListener('submit',function(ev){ev.preventDefault();var answers={};
f.querySelectorAll('fieldset[data-q]').forEach(function(fs){var id=fs.getAttribute('data-q'),t=fs.getAttribute('data-type');
if(t==='text'){var v=fs.querySelector('textarea').value.trim();if(v)answers[id]=v;return;}
var picked=Array.prototype.map.call(fs.querySelectorAll('input:checked'),function(i){return i.value;});
if(!picked.length)return;answers[id]=t==='scale'?parseInt(picked[0],10):t==='multi'?picked:picked[0];});
var btn=f.querySelector('button');btn.disabled=true;var out=document.getElementById('result');
fetch('/api/submissions',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify({token:f.getAttribute('data-token'),answers:answers})})
.then(function(r){return r.json().then(function(b){return{status:r.status,body:b};});})
.then(function(r){document.querySelectorAll('.err.js').forEach(function(n){n.remove();});
if(r.status===200||r.status===201){f.hidden=true;out.className='';out.textContent='Cảm ơn bạn đã trả lời. Mã biên nhận: '+r.body.receiptId;out.focus();return;}
btn.disabled=false;var err=r.body&&r.body.error?r.body.error:{message:'Có lỗi, vui lòng thử lại.'};out.className='box err';out.textContent=err.message;
(err.details||[]).forEach(function(d){var fs=f.querySelector('fieldset[data-q="'+d.path+'"]');if(fs){var p=document.createElement('p');p.className='err js';p.textContent=d.message;fs.insertBefore(p,fs.children[1]);}});})
.catch(function(){btn.disabled=false;f.submit();});});})();`;

export const formPage = (args: {
  template: QuestionnaireTemplate;
  roundName: string;
  unitName: string;
  fieldName: string;
  token: string;
  values?: FormValues;
  errors?: Record<string, string>;
  message?: string;
}): string => {
  const { template, values = {}, errors = {} } = args;
  const sections = template.sections
    .map(
      (s) =>
        `<section><h2>${e(s.title)}</h2>${s.description ? `<p class="note">${e(s.description)}</p>` : ''}${s.questions
          .map((q) => renderQuestion(template, q, values, errors[q.id]))
          .join('')}</section>`,
    )
    .join('');
  const banner = args.message ? `<div class="box err" role="alert">${e(args.message)}</div>` : '';
  return page(
    args.template.title,
    `<section><p><strong>${e(args.roundName)}</strong></p><p>Đơn vị: ${e(args.unitName)} · Lĩnh vực: ${e(args.fieldName)}</p><p class="note">Phiếu dành riêng cho bạn; mỗi người trả lời một lần. Câu có dấu <span class="req">*</span> là bắt buộc. Thông tin cá nhân không gắn với câu trả lời khi báo cáo.</p></section>
<div id="result" tabindex="-1" role="status">${banner}</div>
<form id="survey" method="post" action="/f/${e(args.token)}" data-token="${e(args.token)}" novalidate>${sections}<p><button type="submit">Gửi phiếu</button></p></form>
<script>${ENHANCER}</script>`,
  );
};

/** A plain (no-JS) form post → the same answers shape the JSON API takes. */
export const answersFromForm = (template: QuestionnaireTemplate, body: URLSearchParams): FormValues => {
  const answers: FormValues = {};
  for (const section of template.sections) {
    for (const q of section.questions) {
      const all = body
        .getAll(q.id)
        .map((v) => v.trim())
        .filter((v) => v !== '');
      if (all.length === 0) continue;
      if (q.type === 'multi') answers[q.id] = all;
      else if (q.type === 'scale') answers[q.id] = /^\d+$/.test(all[0]!) ? Number(all[0]) : all[0];
      else answers[q.id] = all[0];
    }
  }
  for (const key of body.keys())
    if (!(key in answers) && !template.sections.some((s) => s.questions.some((q) => q.id === key)))
      answers[key] = body.get(key);
  return answers;
};
