/**
 * SVG -> PNG through @resvg/resvg-js (a Rust renderer published as N-API binaries inside
 * per-platform npm packages: nothing is downloaded at install time). Loaded lazily so that only
 * commands writing a PNG pay for it; a platform without a prebuilt binary gets null and the
 * caller keeps the SVG (which is always written).
 */
export function svgToPng(svg: string, scale = 2): Buffer | null {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = require('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));
  } catch {
    return null;
  }
  const r = new Resvg(svg, { fitTo: { mode: 'zoom', value: scale }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: 'white' });
  return Buffer.from(r.render().asPng());
}
