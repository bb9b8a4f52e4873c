import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** `base`, not react-admin's `basename`: it uses a hash router. */
export default defineConfig(({ command }) => {
  // Vite takes NODE_ENV from the environment when it is set (vitest sets "test"), and React and
  // the JSX transform must agree: a build is production code wherever it is started from. Vite
  // reads NODE_ENV after loading this file; the plugin puts the caller's value back afterwards.
  const callerNodeEnv = process.env.NODE_ENV;
  const restoreNodeEnv: Plugin = {
    name: 'balabaqsha:restore-node-env',
    apply: 'build',
    closeBundle() {
      if (callerNodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = callerNodeEnv;
    },
  };
  if (command === 'build') process.env.NODE_ENV = 'production';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: '/admin/',
    plugins: [react(), restoreNodeEnv],
    build: {
      outDir: fileURLToPath(new URL('../../dist/admin', import.meta.url)),
      emptyOutDir: true,
      chunkSizeWarningLimit: 3000,
      rolldownOptions: {
        output: {
          codeSplitting: {
            groups: [
              // React changes less often than the panel: a chunk of its own stays cached across releases.
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            ],
          },
        },
      },
    },
    server: {
      // `vite --config admin/web/vite.config.ts` during development: the API runs on npm run dev.
      proxy: { '/api': 'http://127.0.0.1:3000' },
    },
  };
});
