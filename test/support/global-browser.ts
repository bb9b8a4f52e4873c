import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildPanel, panelIsStale } from '../../admin/web/build.ts';

/**
 * The browser tests run the Chromium that `npm ci` brings (@sparticuz/chromium, unpacked into the
 * temp directory on first use), so a fresh machine needs nothing installed by hand.
 * CHROMIUM_PATH picks another build (e.g. Debian's /usr/bin/chromium).
 */
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

/** The browser tests need a Chromium and the built panel (built here when stale). */
export default async function setup(project: TestProject) {
  project.provide('chromiumPath', await chromiumPath());
  if (panelIsStale()) await buildPanel();
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}
