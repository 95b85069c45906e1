/*
 * Number and time formatting. Every formatter shows "—" for null, undefined, NaN or an infinite value, so a missing
 * number never reads as 0.
 */
export const DASH = '—';

export function isNum(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

/** Decimal places of a price as the server sent it (shortest round-trip form), at most 8. */
function decimalsOf(x) {
  if (!isNum(x)) {
    return 0;
  }
  const s = String(Math.abs(x));
  if (s.indexOf('e') >= 0) {
    return 8;
  }
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : Math.min(8, s.length - dot - 1);
}

/** The least decimals that keep about five significant digits of a price of this size. */
function magnitudeDecimals(price) {
  const p = Math.abs(price);
  if (!isNum(p) || p === 0) {
    return 2;
  }
  if (p >= 10) {
    return 2;
  }
  if (p >= 1) {
    return 3;
  }
  // 0.45 -> 4, 0.045 -> 5, 0.0045 -> 6 ...
  return Math.min(8, 4 + Math.max(0, Math.floor(-Math.log10(p))));
}

/**
 * Price precision of a symbol from prices it traded or quoted at: the larger of the decimals those prices carry
 * (the quote increment shows through them) and what the magnitude needs.
 */
export function priceDecimals(prices, previous) {
  let observed = 0;
  let magnitude = 0;
  let any = false;
  for (const p of prices) {
    if (isNum(p) && p > 0) {
      any = true;
      observed = Math.max(observed, decimalsOf(p));
      magnitude = Math.max(magnitude, magnitudeDecimals(p));
    }
  }
  if (!any) {
    return isNum(previous) ? previous : null;
  }
  const d = Math.max(observed, magnitude, isNum(previous) ? previous : 0);
  return Math.min(8, d);
}

export function fixed(x, decimals) {
  if (!isNum(x)) {
    return DASH;
  }
  return x.toLocaleString('en-US', {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
}

export function price(x, decimals) {
  return fixed(x, isNum(decimals) ? decimals : 2);
}

function signed(x, decimals) {
  if (!isNum(x)) {
    return DASH;
  }
  const s = fixed(Math.abs(x), decimals);
  // Zero after rounding carries no sign.
  if (Number(Math.abs(x).toFixed(decimals)) === 0) {
    return s;
  }
  return (x > 0 ? '+' : '-') + s;
}

export function bps(x) {
  return isNum(x) ? signed(x, 1) + ' bps' : DASH;
}

export function times(x) {
  return isNum(x) ? fixed(x, 2) + '×' : DASH;
}

export function prob(x) {
  return isNum(x) ? fixed(x, 2) : DASH;
}

export function score(x) {
  if (!isNum(x)) {
    return DASH;
  }
  return fixed(x, Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 3);
}

export function volume(x) {
  if (!isNum(x)) {
    return DASH;
  }
  const a = Math.abs(x);
  if (a >= 1e6) {
    return fixed(x / 1e6, 2) + 'M';
  }
  if (a >= 1e3) {
    return fixed(x / 1e3, 2) + 'k';
  }
  return fixed(x, a >= 10 ? 1 : 3);
}

function pad(n) {
  return n < 10 ? '0' + n : String(n);
}

/** Local wall-clock time HH:MM:SS of an ISO time or epoch ms; with the date when not today. */
export function time(t) {
  const ms = typeof t === 'string' ? Date.parse(t) : t;
  if (!isNum(ms)) {
    return DASH;
  }
  const d = new Date(ms);
  const hms = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  const now = new Date();
  if (d.toDateString() === now.toDateString()) {
    return hms;
  }
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + hms;
}

export function hhmm(ms) {
  const d = new Date(ms);
  return pad(d.getHours()) + ':' + pad(d.getMinutes());
}

/** "12 s ago", "3 min ago", "2 h ago" of an ISO time or epoch ms. */
export function ago(t, nowMs) {
  const ms = typeof t === 'string' ? Date.parse(t) : t;
  if (!isNum(ms)) {
    return DASH;
  }
  const s = Math.max(0, Math.round(((isNum(nowMs) ? nowMs : Date.now()) - ms) / 1000));
  if (s < 90) {
    return s + ' s ago';
  }
  if (s < 5400) {
    return Math.round(s / 60) + ' min ago';
  }
  if (s < 172800) {
    return Math.round(s / 3600) + ' h ago';
  }
  return Math.round(s / 86400) + ' d ago';
}

export function seconds(x) {
  if (!isNum(x)) {
    return DASH;
  }
  return x < 10 ? fixed(x, 1) + ' s' : fixed(x, 0) + ' s';
}

/** A share 0..1 as whole percent, without the sign: "58". */
function pct(x) {
  return String(Math.round(x * 100));
}

/** A rate with its interval, "58% (49–66)"; the interval is left out when it is not known. */
export function rateWithInterval(rate, interval) {
  if (!isNum(rate)) {
    return DASH;
  }
  const [lo, hi] = interval || [];
  return pct(rate) + '%' + (isNum(lo) && isNum(hi) ? ' (' + pct(lo) + '–' + pct(hi) + ')' : '');
}
