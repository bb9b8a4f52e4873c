import type { TestProject } from 'vitest/node';
import { buildPanel, panelIsStale } from '../../admin/web/build.ts';
import { chromiumPath } from './chromium.ts';

export default async function setup(project: TestProject) {
  project.provide('chromiumPath', await chromiumPath());
  if (panelIsStale()) await buildPanel();
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}
