/** pdfkit embeds a PNG as predicted zlib data or as pixels plus a soft mask; both are read back onto white, as a scanner sees the print. */
import jsQR from 'jsqr';
import { parseObjects } from './pdf-text.ts';

export interface PdfImage {
  object: number;
  width: number;
  height: number;
  /** RGBA, alpha composed onto white. */
  rgba: Uint8ClampedArray;
}

const num = (dict: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)(?!\\s+0\\s+R)`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** Undoes the PNG row filters (PDF /Predictor 10–15: a filter byte before each row). */
function unpredict(data: Buffer, columns: number, bytesPerPixel: number): Buffer {
  const rowBytes = columns * bytesPerPixel;
  const rows = Math.floor(data.length / (rowBytes + 1));
  const out = Buffer.alloc(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const filter = data[y * (rowBytes + 1)]!;
    const src = y * (rowBytes + 1) + 1;
    const dst = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const raw = data[src + x]!;
      const left = x >= bytesPerPixel ? out[dst + x - bytesPerPixel]! : 0;
      const up = y > 0 ? out[dst - rowBytes + x]! : 0;
      const upLeft = y > 0 && x >= bytesPerPixel ? out[dst - rowBytes + x - bytesPerPixel]! : 0;
      let value: number;
      if (filter === 0) value = raw;
      else if (filter === 1) value = raw + left;
      else if (filter === 2) value = raw + up;
      else if (filter === 3) value = raw + ((left + up) >> 1);
      else {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        value = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
      }
      out[dst + x] = value & 0xff;
    }
  }
  return out;
}

function samples(dict: string, stream: Buffer, width: number, components: number): Buffer {
  const predictor = num(dict, 'Predictor');
  return predictor && predictor >= 10 ? unpredict(stream, width, components) : stream;
}

export function pdfImages(pdf: Buffer): PdfImage[] {
  const objects = parseObjects(pdf);
  const out: PdfImage[] = [];
  for (const [id, o] of objects) {
    if (!/\/Subtype\s*\/Image/.test(o.dict) || !o.stream) continue;
    const width = num(o.dict, 'Width')!;
    const height = num(o.dict, 'Height')!;
    if (num(o.dict, 'BitsPerComponent') !== 8) throw new Error(`image ${id}: only 8-bit images are read`);
    // An image that is itself another's soft mask is read with its owner.
    if ([...objects.values()].some((x) => new RegExp(`/SMask\\s+${id}\\s+0\\s+R`).test(x.dict))) continue;
    const indexed = /\/ColorSpace\s*\[\s*\/Indexed\s*\/DeviceRGB\s+\d+\s*(?:<([0-9a-fA-F\s]*)>|(\d+)\s+0\s+R)/.exec(o.dict);
    const components = indexed ? 1 : /\/ColorSpace\s*\/DeviceGray/.test(o.dict) ? 1 : 3;
    const pixels = samples(o.dict, o.stream, width, components);
    const palette = indexed ? (indexed[1] !== undefined ? Buffer.from(indexed[1].replace(/\s+/g, ''), 'hex') : objects.get(Number(indexed[2]))!.stream!) : null;
    const maskRef = /\/SMask\s+(\d+)\s+0\s+R/.exec(o.dict);
    const maskObject = maskRef ? objects.get(Number(maskRef[1])) : undefined;
    const alpha = maskObject?.stream ? samples(maskObject.dict, maskObject.stream, width, 1) : null;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      let rgb: [number, number, number];
      if (palette) {
        const at = pixels[i]! * 3;
        rgb = [palette[at]!, palette[at + 1]!, palette[at + 2]!];
      } else if (components === 1) rgb = [pixels[i]!, pixels[i]!, pixels[i]!];
      else rgb = [pixels[i * 3]!, pixels[i * 3 + 1]!, pixels[i * 3 + 2]!];
      const a = alpha ? alpha[i]! / 255 : 1;
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.round(rgb[c]! * a + 255 * (1 - a));
      rgba[i * 4 + 3] = 255;
    }
    out.push({ object: id, width, height, rgba });
  }
  return out;
}

/** The text of the QR code in an image, read as a scanner would (white margin added around it). */
export function decodeQr(image: PdfImage, margin = 32): string | null {
  const width = image.width + 2 * margin;
  const height = image.height + 2 * margin;
  const page = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < image.height; y++) {
    page.set(image.rgba.subarray(y * image.width * 4, (y + 1) * image.width * 4), ((y + margin) * width + margin) * 4);
  }
  return jsQR(page, width, height)?.data ?? null;
}

export function pdfQrCodes(pdf: Buffer): string[] {
  return pdfImages(pdf)
    .map((image) => decodeQr(image))
    .filter((text): text is string => text !== null);
}
