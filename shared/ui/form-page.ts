/**
 * Server-rendered Vietnamese pages. Every dynamic value goes through escapeHtml. The form works as a
 * plain HTML form post; the script (allowed by its hash, like the style sheet) only upgrades it: it
 * keeps the answers on the device, shows progress and posts JSON to the API.
 */
import { type Question, type QuestionnaireTemplate, questionNumber } from '../domain/index.ts';
import { escapeHtml as e } from '../platform/text.ts';

/** The one style sheet; the CSP allows exactly this text by its hash (no 'unsafe-inline'). */
export const STYLE = `
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f6f8;color:#1c2733;line-height:1.5;overflow-wrap:anywhere}
main{max-width:720px;margin:0 auto;padding:12px}header{background:#b71c1c;color:#fff;padding:12px 16px}header h1{margin:0;font-size:1.2rem}
section{background:#fff;border-radius:8px;padding:12px;margin:12px 0;box-shadow:0 1px 2px #0002}h2{font-size:1.1rem;margin-top:0}
fieldset{border:0;border-top:1px solid #e3e7eb;margin:0;padding:12px 0;min-width:0}legend{font-weight:600;padding:0}
.opts{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px}.opts label{border:1px solid #6b7680;border-radius:6px;padding:8px 10px;min-height:44px;display:flex;align-items:center;gap:6px;cursor:pointer;max-width:100%}
textarea,input[type=text]{width:100%;min-height:44px;font:inherit;padding:8px;border:1px solid #6b7680;border-radius:6px}textarea{min-height:80px}
button{background:#b71c1c;color:#fff;border:0;border-radius:6px;padding:12px 24px;font-size:1rem;min-height:44px;cursor:pointer}
:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}input[type=radio]:focus-visible,input[type=checkbox]:focus-visible{outline-offset:1px}
.err{color:#a31515;font-weight:600}.req{color:#a31515}.note{color:#4a545e;font-size:.9rem}.box{padding:12px;border-radius:6px;background:#fdecea}
.num{color:#4a545e;margin-right:4px}#progress{position:sticky;top:0;background:#fff;padding:8px 12px;border-bottom:1px solid #e3e7eb;font-size:.95rem}
.summary a{color:#a31515}.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
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

/** One question's fieldset; `prefix` goes before the field name (a rater form's `unitCode/`). */
export const renderQuestion = (
  template: QuestionnaireTemplate,
  q: Question,
  values: FormValues,
  error?: string,
  prefix = '',
): string => {
  const required = q.required ? ' <span class="req">*<span class="sr"> (bắt buộc)</span></span>' : '';
  const name = e(prefix + q.id);
  const errId = `err-${name}`;
  const err = error ? `<p class="err" id="${errId}">${e(error)}</p>` : '';
  const invalid = error ? ` aria-invalid="true" aria-describedby="${errId}"` : '';
  const num = `<span class="num">Câu ${e(questionNumber(template, q.id))}.</span>`;
  const req = q.required ? ' data-required="1"' : '';
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
    return `<fieldset data-q="${name}" data-type="text"${req}><legend><label for="q-${name}">${num}${e(q.text)}${required}</label></legend>${err}<textarea id="q-${name}" name="${name}" maxlength="${q.maxLength ?? 2000}"${invalid}>${e(current)}</textarea></fieldset>`;
  }
  // The group carries aria-invalid/-describedby: a screen reader announces the error with the legend.
  return `<fieldset id="q-${name}" data-q="${name}" data-type="${q.type}"${req}${invalid}><legend>${num}${e(q.text)}${required}</legend>${err}<div class="opts">${control}</div></fieldset>`;
};

/**
 * The form's only script; the page's CSP allows exactly this text by its hash. It saves answers in
 * localStorage under a SHA-256 of the token (never the token itself), restores them on reload, shows
 * progress (section n of m, answered / required) in a polite live region and posts JSON to the API.
 */
const enhancer = (o: { part: string; body: string }): string => `
(function(){var f=document.getElementById('survey');if(!f)return;var tok=f.getAttribute('data-token');var key=null,store=null;
try{store=window.localStorage;}catch(x){}
var sets=Array.prototype.slice.call(f.querySelectorAll('fieldset[data-q]'));var secs=Array.prototype.slice.call(f.querySelectorAll('section'));
function collect(){var a={};sets.forEach(function(fs){var id=fs.getAttribute('data-q'),t=fs.getAttribute('data-type');
if(t==='text'){var v=fs.querySelector('textarea').value.trim();if(v)a[id]=v;return;}
var p=Array.prototype.map.call(fs.querySelectorAll('input:checked'),function(i){return i.value;});
if(!p.length)return;a[id]=t==='scale'?parseInt(p[0],10):t==='multi'?p:p[0];});return a;}
var prog=document.getElementById('progress');
function progress(){var a=collect(),req=0,done=0,cur=1;sets.forEach(function(fs){if(fs.getAttribute('data-required')){req++;if(fs.getAttribute('data-q') in a)done++;}});
var el=document.activeElement;secs.forEach(function(s,i){if(el&&s.contains(el))cur=i+1;});
var n=Object.keys(a).length;if(prog)prog.textContent=${o.part}+' · Đã trả lời '+n+'/'+sets.length+' câu'+(req?' · bắt buộc '+done+'/'+req:'');return a;}
function save(){var a=progress();if(store&&key){try{store.setItem(key,JSON.stringify(a));}catch(x){}}}
function restore(){if(!store||!key)return;var raw=null;try{raw=store.getItem(key);}catch(x){}if(!raw)return;var a;try{a=JSON.parse(raw);}catch(x){return;}
sets.forEach(function(fs){var id=fs.getAttribute('data-q'),v=a[id];if(v===undefined)return;
if(fs.getAttribute('data-type')==='text'){var ta=fs.querySelector('textarea');if(!ta.value)ta.value=String(v);return;}
if(fs.querySelector('input:checked'))return;var vs=[].concat(v).map(String);
fs.querySelectorAll('input').forEach(function(i){if(vs.indexOf(i.value)>=0)i.checked=true;});});}
function ready(){restore();progress();f.addEventListener('change',save);f.addEventListener('input',save);f.addEventListener('focusin',progress);}
if(window.crypto&&crypto.subtle&&window.TextEncoder){crypto.subtle.digest('SHA-256',new TextEncoder().encode('dieutra-form:'+tok)).then(function(b){
key='dieutra:'+Array.prototype.map.call(new Uint8Array(b),function(x){return('0'+x.toString(16)).slice(-2);}).join('');ready();},ready);}else ready();
if(!window.fetch)return;
f.addEventListener('submit',function(ev){ev.preventDefault();var answers=collect();
var btn=f.querySelector('button');btn.disabled=true;var out=document.getElementById('result');
var hid=function(n){var i=f.querySelector('input[type=hidden][name='+n+']');return i?i.value:undefined;};
fetch('/api/submissions',{method:'POST',headers:{'content-type':'application/json'},body:JSON.stringify(${o.body})})
.then(function(r){return r.json().then(function(b){return{status:r.status,body:b};});})
.then(function(r){document.querySelectorAll('.err.js').forEach(function(n){n.remove();});
sets.forEach(function(fs){if(fs.hasAttribute('data-js-err')){fs.removeAttribute('data-js-err');fs.removeAttribute('aria-invalid');fs.removeAttribute('aria-describedby');}});
if(r.status===200||r.status===201){if(store&&key){try{store.removeItem(key);}catch(x){}}f.hidden=true;if(prog)prog.hidden=true;out.className='';out.textContent='Cảm ơn bạn đã trả lời. Mã biên nhận: '+r.body.receiptId;out.focus();return;}
btn.disabled=false;var err=r.body&&r.body.error?r.body.error:{message:'Có lỗi, vui lòng thử lại.'};out.className='box err';out.textContent=err.message;
var ul=document.createElement('ul');ul.className='summary';
(err.details||[]).forEach(function(d){var fs=f.querySelector('fieldset[data-q="'+d.path+'"]');if(!fs)return;var p=document.createElement('p');p.className='err js';p.id='jserr-'+d.path;p.textContent=d.message;fs.insertBefore(p,fs.children[1]);
var tgt=fs.querySelector('textarea')||fs;tgt.setAttribute('aria-invalid','true');tgt.setAttribute('aria-describedby',p.id);fs.setAttribute('data-js-err','1');
var li=document.createElement('li'),a=document.createElement('a');a.href='#'+(tgt.id||'');a.textContent=d.message;li.appendChild(a);ul.appendChild(li);});
if(ul.children.length)out.appendChild(ul);out.focus();})
.catch(function(){btn.disabled=false;f.submit();});});})();`;

export const ENHANCER = enhancer({
  part: "'Phần '+cur+'/'+secs.length",
  body: "{token:tok,answers:answers,openedAt:hid('openedAt'),otpProof:hid('otpProof')}",
});

/**
 * The PAR rater form's script: the same upgrade (answers kept on the device under a hash of the token,
 * restored on reload, progress, JSON post) with one section per target unit ("Đơn vị n / m") and the
 * answers posted per target: field `unitCode/questionId` → `targets[unitCode][questionId]`.
 */
export const RATER_ENHANCER = enhancer({
  part: "'Đơn vị '+cur+' / '+secs.length",
  body: "{token:tok,targets:(function(){var t={};secs.forEach(function(s){var u=s.getAttribute('data-target');if(u!==null)t[u]={};});Object.keys(answers).forEach(function(k){var i=k.lastIndexOf('/');var u=k.slice(0,i);(t[u]=t[u]||{})[k.slice(i+1)]=answers[k];});return t;})(),openedAt:hid('openedAt')}",
});

export const formPage = (args: {
  template: QuestionnaireTemplate;
  roundName: string;
  unitName: string;
  fieldName: string;
  token: string;
  values?: FormValues;
  errors?: Record<string, string>;
  message?: string;
  /** When the page was rendered (an integrity fact the post sends back). */
  openedAt?: string;
  /** The verified one-time code's proof (rounds that require one). */
  otpProof?: string;
}): string => {
  const { template, values = {}, errors = {} } = args;
  const hidden = (['openedAt', 'otpProof'] as const)
    .filter((k) => args[k])
    .map((k) => `<input type="hidden" name="${k}" value="${e(args[k] ?? '')}">`)
    .join('');
  const sections = template.sections
    .map(
      (s, i) =>
        `<section aria-labelledby="sec-${i}"><h2 id="sec-${i}">Phần ${i + 1}/${template.sections.length}: ${e(s.title)}</h2>${s.description ? `<p class="note">${e(s.description)}</p>` : ''}${s.questions
          .map((q) => renderQuestion(template, q, values, errors[q.id]))
          .join('')}</section>`,
    )
    .join('');
  const all = template.sections.flatMap((s) => s.questions);
  const links = all
    .filter((q) => errors[q.id])
    .map((q) => `<li><a href="#q-${e(q.id)}">${e(errors[q.id] ?? '')}</a></li>`)
    .join('');
  const banner = args.message
    ? `<div class="box err" role="alert"><p>${e(args.message)}</p>${links ? `<ul class="summary">${links}</ul>` : ''}</div>`
    : '';
  const required = all.filter((q) => q.required).length;
  return page(
    args.template.title,
    `<section><p><strong>${e(args.roundName)}</strong></p><p>Đơn vị: ${e(args.unitName)} · Lĩnh vực: ${e(args.fieldName)}</p><p class="note">Phiếu dành riêng cho bạn; mỗi người trả lời một lần. Câu có dấu <span class="req">*</span> là bắt buộc. Câu trả lời được lưu tạm trên máy của bạn cho đến khi gửi. Thông tin cá nhân không gắn với câu trả lời khi báo cáo.</p></section>
<div id="progress" role="status" aria-live="polite">${template.sections.length} phần · ${all.length} câu${required ? ` · ${required} câu bắt buộc` : ''}</div>
<div id="result" tabindex="-1" role="status">${banner}</div>
<form id="survey" method="post" action="/f/${e(args.token)}" data-token="${e(args.token)}" novalidate>${hidden}${sections}<p><button type="submit">Gửi phiếu</button></p></form>
<script>${ENHANCER}</script>`,
  );
};

/** The start page's script: checks the paper code's shape and check character before any request. */
export const CODE_CHECKER = `
(function(){var f=document.getElementById('code-form');if(!f)return;var i=document.getElementById('code'),m=document.getElementById('code-msg');
var A='0123456789ABCDEFGHJKMNPQRSTVWXYZ',AL={I:'1',L:'1',O:'0'};
function t2(x){return x&16?((x<<1)&31)^5:x<<1;}
f.addEventListener('submit',function(ev){var s=i.value.trim().toUpperCase().replace(/[\\s\\-\\u2010-\\u2015\\u2212]/g,'').replace(/[ILO]/g,function(c){return AL[c];});
var bad=null,r=0;if(!s.length)bad=m.getAttribute('data-empty');else{for(var k=0;k<s.length;k++){var v=A.indexOf(s[k]);if(v<0){bad=m.getAttribute('data-char');break;}r=t2(r)^v;}
if(!bad&&s.length!==${10})bad=m.getAttribute('data-length');else if(!bad&&r!==0)bad=m.getAttribute('data-check');}
if(bad){ev.preventDefault();m.textContent=bad;m.hidden=false;i.setAttribute('aria-invalid','true');i.focus();}});})();`;

export const startPage = (
  messages: Record<'EMPTY' | 'LENGTH' | 'CHARACTER' | 'CHECK', string>,
  shown: { value?: string; error?: string } = {},
): string =>
  page(
    'Phiếu khảo sát — nhập mã phiếu',
    `<section><p>Nếu bạn nhận được thư có <strong>mã phiếu</strong>, hãy nhập mã (10 ký tự, in trên thư) để mở phiếu khảo sát. Nếu bạn nhận được đường liên kết, hãy mở trực tiếp liên kết đó.</p>
<form id="code-form" method="get" action="/ma-phieu" novalidate><p><label for="code">Mã phiếu</label></p>
<p><input type="text" id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" inputmode="text" maxlength="24" value="${e(shown.value ?? '')}" aria-describedby="code-hint code-msg"${shown.error ? ' aria-invalid="true"' : ''}></p>
<p class="note" id="code-hint">Ví dụ: ABCD-EFGH-JK. Không cần gõ dấu gạch ngang.</p>
<p class="err" id="code-msg" role="alert" data-empty="${e(messages.EMPTY)}" data-length="${e(messages.LENGTH)}" data-char="${e(messages.CHARACTER)}" data-check="${e(messages.CHECK)}"${shown.error ? '' : ' hidden'}>${e(shown.error ?? '')}</p>
<p><button type="submit">Mở phiếu</button></p></form></section>
<script>${CODE_CHECKER}</script>`,
  );

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
