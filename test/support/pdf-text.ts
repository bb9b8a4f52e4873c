import { inflateSync } from 'node:zlib';

/** Good for pdfkit's output (one BT…ET block per line, Type0 fonts), not for PDFs in general; no poppler or pdf.js needed. */
export function pdfText(pdf: Buffer): string {
  const objects = parseObjects(pdf);
  const cmaps = new Map<number, Map<number, string>>();
  const fontCmap = (fontRef: number): Map<number, string> | null => {
    const font = objects.get(fontRef);
    const toUnicode = font && /\/ToUnicode\s+(\d+)\s+0\s+R/.exec(font.dict);
    if (!toUnicode) return null;
    const ref = Number(toUnicode[1]);
    let cmap = cmaps.get(ref);
    if (!cmap) {
      cmap = parseCmap(objects.get(ref)?.stream?.toString('latin1') ?? '');
      cmaps.set(ref, cmap);
    }
    return cmap;
  };

  const pages = [...objects.values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dict));
  const out: string[] = [];
  for (const page of pages) {
    const resources = dictOrRef(page.dict, 'Resources', objects);
    const fontDict = dictOrRef(resources, 'Font', objects);
    const fonts = new Map<string, number>();
    for (const m of fontDict.matchAll(/\/([\w.-]+)\s+(\d+)\s+0\s+R/g)) fonts.set(m[1]!, Number(m[2]));
    const contents = /\/Contents\s+(?:(\d+)\s+0\s+R|\[([^\]]*)\])/.exec(page.dict);
    const refs = contents?.[1] ? [Number(contents[1])] : [...(contents?.[2] ?? '').matchAll(/(\d+)\s+0\s+R/g)].map((m) => Number(m[1]));
    for (const ref of refs) out.push(contentText(objects.get(ref)?.stream?.toString('latin1') ?? '', fonts, fontCmap));
  }
  return out.join('\n');
}

export interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** Every `n 0 obj … endobj` of the file by object number (test/support/pdf-image.ts reads images with it). */
export function parseObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+)\s+0\s+obj\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const streamAt = text.indexOf('stream', start);
    const end = text.indexOf('endobj', start);
    if (end < 0) break;
    let dict = text.slice(start, end);
    let stream: Buffer | null = null;
    if (streamAt >= 0 && streamAt < end) {
      dict = text.slice(start, streamAt);
      let dataStart = streamAt + 'stream'.length;
      if (text[dataStart] === '\r') dataStart++;
      if (text[dataStart] === '\n') dataStart++;
      const length = /\/Length\s+(\d+)(?!\s+0\s+R)/.exec(dict);
      const dataEnd = length ? dataStart + Number(length[1]) : text.indexOf('endstream', dataStart);
      const raw = pdf.subarray(dataStart, dataEnd);
      stream = /\/Filter\s*\/FlateDecode/.test(dict) ? inflateSync(raw) : raw;
      re.lastIndex = text.indexOf('endobj', dataEnd);
    } else {
      re.lastIndex = end;
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  return objects;
}

/** The value of /Key in a dictionary: an inline << … >> or the dictionary of a referenced object. */
function dictOrRef(dict: string, key: string, objects: Map<number, PdfObject>): string {
  const ref = new RegExp(`/${key}\\s+(\\d+)\\s+0\\s+R`).exec(dict);
  if (ref) return objects.get(Number(ref[1]))?.dict ?? '';
  const at = dict.search(new RegExp(`/${key}\\s*<<`));
  if (at < 0) return '';
  let depth = 0;
  for (let i = dict.indexOf('<<', at); i < dict.length - 1; i++) {
    if (dict.startsWith('<<', i)) {
      depth++;
      i++;
    } else if (dict.startsWith('>>', i)) {
      depth--;
      i++;
      if (depth === 0) return dict.slice(at, i + 1);
    }
  }
  return '';
}

const utf16 = (hex: string) =>
  String.fromCharCode(...(hex.replace(/\s+/g, '').match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));

/** bfrange (both forms) and bfchar entries of a ToUnicode CMap. */
function parseCmap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const from = parseInt(m[1]!, 16);
      const to = parseInt(m[2]!, 16);
      const target = m[3]!;
      if (target.startsWith('[')) {
        [...target.matchAll(/<([0-9a-fA-F\s]+)>/g)].forEach((t, i) => map.set(from + i, utf16(t[1]!)));
      } else {
        const base = parseInt(target.slice(1, -1), 16);
        for (let code = from; code <= to; code++) map.set(code, String.fromCharCode(base + code - from));
      }
    }
  }
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), utf16(m[2]!));
  }
  return map;
}

function contentText(content: string, fonts: Map<string, number>, fontCmap: (ref: number) => Map<number, string> | null): string {
  const lines: string[] = [];
  let line = '';
  let cmap: Map<number, string> | null = null;
  const decode = (hex: string) => {
    const codes = hex.match(/.{4}/g) ?? [];
    return codes.map((c) => cmap?.get(parseInt(c, 16)) ?? '\uFFFD').join('');
  };
  // Tokens: font selections, hex strings, TJ arrays, and text block ends.
  const re = /\/([\w.-]+)\s+[\d.]+\s+Tf|\[((?:[^\]])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\bET\b/g;
  for (const m of content.matchAll(re)) {
    if (m[1] !== undefined) {
      const ref = fonts.get(m[1]);
      cmap = ref === undefined ? null : fontCmap(ref);
    } else if (m[2] !== undefined) {
      for (const part of m[2].matchAll(/<([0-9a-fA-F]*)>|(-?[\d.]+)/g)) {
        if (part[1] !== undefined) line += decode(part[1]);
        // A shift of more than a fifth of an em to the right is a justified space.
        else if (Number(part[2]) < -200) line += ' ';
      }
    } else if (m[3] !== undefined) {
      line += decode(m[3]);
    } else {
      lines.push(line);
      line = '';
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export const flatText = (pdf: Buffer) => pdfText(pdf).replace(/\s+/g, ' ');
