/**
 * Vietnamese phone numbers → E.164 (data-rules rule 7). Excel drops leading zeros and
 * people write prefixes, dots and spaces; pre-2018 11-digit mobiles were renumbered.
 */
export type PhoneResult =
  | {
      ok: true;
      e164: string;
      kind: 'mobile' | 'landline';
      warning?: 'PHONE_LEGACY_CONVERTED' | 'PHONE_LANDLINE';
    }
  | { ok: false; code: 'INVALID_PHONE' };

// Prefix renumbering of 15/9/2018 – 2019 (Bộ TT&TT): old 11-digit → new 10-digit.
const LEGACY_PREFIXES: Record<string, string> = {
  '0162': '032',
  '0163': '033',
  '0164': '034',
  '0165': '035',
  '0166': '036',
  '0167': '037',
  '0168': '038',
  '0169': '039',
  '0120': '070',
  '0121': '079',
  '0122': '077',
  '0126': '076',
  '0128': '078',
  '0123': '083',
  '0124': '084',
  '0125': '085',
  '0127': '081',
  '0129': '082',
  '0186': '056',
  '0188': '058',
  '0199': '059',
};

const invalid: PhoneResult = { ok: false, code: 'INVALID_PHONE' };

export const normalisePhone = (raw: string): PhoneResult => {
  let d = raw.replace(/[\s\u00a0\u202f.\-()]/g, '');
  if (d.startsWith('+84')) d = `0${d.slice(3)}`;
  else if (d.startsWith('0084')) d = `0${d.slice(4)}`;
  else if (d.startsWith('84') && (d.length === 11 || d.length === 12)) d = `0${d.slice(2)}`;
  if (!/^\d+$/.test(d)) return invalid;
  if (d.length === 9 && /^[35789]/.test(d)) d = `0${d}`;
  else if (d.length === 10 && d.startsWith('2')) d = `0${d}`;
  const e164 = (national: string) => `+84${national.slice(1)}`;
  if (/^0[35789]\d{8}$/.test(d)) return { ok: true, e164: e164(d), kind: 'mobile' };
  if (/^01\d{9}$/.test(d)) {
    const mapped = LEGACY_PREFIXES[d.slice(0, 4)];
    if (!mapped) return invalid;
    return {
      ok: true,
      e164: e164(`${mapped}${d.slice(4)}`),
      kind: 'mobile',
      warning: 'PHONE_LEGACY_CONVERTED',
    };
  }
  if (/^02\d{9}$/.test(d)) return { ok: true, e164: e164(d), kind: 'landline', warning: 'PHONE_LANDLINE' };
  return invalid;
};
