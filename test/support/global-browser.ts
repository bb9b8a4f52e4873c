import { existsSync } from 'node:fs';
import { buildPanel, panelIsStale } from '../../admin/web/build.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** The browser tests need Debian's Chromium and the built panel (built here when stale). */
export default async function setup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or run without the browser: TEST_BROWSER=0)`);
  }
  if (panelIsStale()) await buildPanel();
}
