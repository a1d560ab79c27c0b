import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Inside this repository the modules package resolves to its TypeScript source (as tsconfig.json's
// `paths` do for tsc and tsx); outside it, to the compiled `dist/` its `exports` name.
const modulesSource = fileURLToPath(new URL("./modules/", import.meta.url));
const alias = [
  { find: /^@aws-platform-kit\/modules$/, replacement: `${modulesSource}index.ts` },
  { find: /^@aws-platform-kit\/modules\/(.+)$/, replacement: `${modulesSource}$1/index.ts` },
];

// Two projects: infrastructure (synth + terraform, no services) and the service (real PostgreSQL
// and S3 stand-in, started once by its global setup). `npm test` runs both.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "infra",
          include: [
            "modules/**/*.test.ts",
            "infra/**/*.test.ts",
            "scripts/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: "service",
          include: ["service/**/*.test.ts"],
          exclude: ["service/web/dist/**", "**/node_modules/**"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One PostgreSQL and one S3 stand-in for the run; each file gets its own database and bucket.
          globalSetup: ["service/test/global-setup.ts"],
        },
      },
    ],
  },
});
