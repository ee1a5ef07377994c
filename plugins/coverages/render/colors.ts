/** Colours as the renderer holds them: four bytes R, G, B, A (straight alpha). */

export type Rgba = [number, number, number, number];

/** '#rrggbb' or '#rrggbbaa' (what style config accepts). */
export const hexColorPattern = '^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$';

export function parseHexColor(hex: string): Rgba {
  if (!new RegExp(hexColorPattern).test(hex)) throw new Error(`not a colour '#rrggbb' or '#rrggbbaa': ${hex}`);
  const n = (i: number): number => parseInt(hex.slice(i, i + 2), 16);
  return [n(1), n(3), n(5), hex.length === 9 ? n(7) : 255];
}
