/**
 * A finite number's text exactly as JSON.stringify (and String) writes it, faster for the numbers
 * geometries are mostly made of: coordinates below 1000 in magnitude with at most seven decimals
 * (GPS and OpenStreetMap precision, rounded exports), written from tables of digit strings
 * instead of by the shortest-digits algorithm. Any other number goes to JSON.stringify.
 *
 * Why the digits are the same: when round(|v|·10⁷)/10⁷ is |v| itself, that seven-decimal string
 * reads back as v, and no other string of seven or fewer decimals does (their spacing, 10⁻⁷, is
 * far above the spacing of doubles below 1000), so with its trailing zeros cut it is the shortest
 * string that reads back as v, which is what JavaScript writes. JavaScript switches to exponent
 * notation below 10⁻⁶, hence that bound.
 *
 * Not String(v): its strings are kept in V8's number-string cache, an old-space table, so each is
 * promoted and a large export fills the old generation with dead ones until a full collection.
 */
const INTEGERS = Array.from({ length: 1000 }, (_, i) => JSON.stringify(i));
/** The first four of seven decimals, zero-padded. */
const FIRST4 = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
/** The same without trailing zeros, with the decimal point ('' for 0000): the last three are zeros. */
const FIRST4_ONLY = FIRST4.map((s) => {
  const t = s.replace(/0+$/, '');
  return t === '' ? '' : `.${t}`;
});
/** The last three of seven decimals, without trailing zeros. */
const LAST3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0').replace(/0+$/, ''));

const SCALE = 1e7;

export function numberText(v: number): string {
  const a = v < 0 ? -v : v;
  if (a < 1000 && (a >= 1e-6 || a === 0)) {
    const n = Math.round(a * SCALE);
    if (n / SCALE === a) {
      const whole = Math.floor(n / SCALE);
      const fraction = n - whole * SCALE;
      const first = Math.floor(fraction / 1000);
      const last = fraction - first * 1000;
      const text = last === 0 ? INTEGERS[whole]! + FIRST4_ONLY[first]! : `${INTEGERS[whole]!}.${FIRST4[first]!}${LAST3[last]!}`;
      // -0 is written '0', as JSON.stringify does.
      return v < 0 ? `-${text}` : text;
    }
  }
  return JSON.stringify(v);
}
