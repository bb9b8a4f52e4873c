import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium of `npm ci` (@sparticuz/chromium), so a fresh machine needs nothing installed by hand; CHROMIUM_PATH picks another. */
export async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    return process.env.CHROMIUM_PATH;
  }
  const { default: packaged } = await import('@sparticuz/chromium');
  const path = await packaged.executablePath();
  // Its fonts (Latin and Cyrillic, Kazakh letters included) when the machine has no fontconfig of its own.
  if (!existsSync('/etc/fonts/fonts.conf')) process.env.FONTCONFIG_PATH = join(tmpdir(), 'fonts');
  return path;
}
