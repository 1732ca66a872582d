/**
 * Two projects: `unit` needs nothing running; `temporal` needs the Temporal dev server,
 * which its globalSetup starts once for the whole run (a file named *.temporal.test.ts
 * opts in). Jest runs a project's globalSetup only when one of its tests is selected.
 */
const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  roots: ['<rootDir>/test'],
};

/** @type {import('jest').Config} */
module.exports = {
  maxWorkers: 2,
  testTimeout: 60_000,
  verbose: true,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.temporal\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'temporal',
      testMatch: ['**/*.temporal.test.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};
