// JSON numbers that a double cannot hold exactly (an integer answer beyond 2^53, a decimal
// with more than 15 significant digits) are turned into strings holding their source digits
// before JSON.parse sees them, so an answer keeps every digit the file gave. Node 20's
// JSON.parse offers no access to a number's source text.

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A double holds every decimal of up to 15 significant digits exactly. */
const SAFE_DIGITS = 15;

/** The text with every number literal longer than a double can hold quoted; linear in its length. */
export function quoteLongNumbers(json: string): string {
  if (!/\d{16}/.test(json)) return json; // the common case: nothing to do
  let out = '';
  let copied = 0;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      // Skip the string, escapes included.
      for (i++; i < json.length && json.charCodeAt(i) !== 0x22; i++)
        if (json.charCodeAt(i) === 0x5c /* \ */) i++;
      continue;
    }
    if (ch !== 0x2d /* - */ && (ch < 0x30 || ch > 0x39)) continue;
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(json);
    if (!match) continue; // not a number: JSON.parse reports it
    const literal = match[0];
    if (significantDigits(literal) > SAFE_DIGITS) {
      out += `${json.slice(copied, i)}"${literal}"`;
      copied = i + literal.length;
    }
    i += literal.length - 1;
  }
  return out + json.slice(copied);
}

function significantDigits(literal: string): number {
  const mantissa = literal.replace(/^-/, '').replace(/[eE].*$/, '');
  const digits = mantissa.replace('.', '').replace(/^0+/, '');
  // Trailing zeros after a decimal point add no precision ("27.000" is 27).
  return (mantissa.includes('.') ? digits.replace(/0+$/, '') : digits).length;
}
