/**
 * Two projects: `unit` needs nothing running; `temporal` needs the Temporal dev server,
 * which its globalSetup starts once for the whole run (a file named *.temporal.test.ts
 * opts in). Jest runs a project's globalSetup only when one of its tests is selected.
 *
 * A third, `reliability` (test/reliability: crashes, outages, faults, batches), takes
 * minutes, so plain `npm test` leaves it out: it is there only when asked for, with
 * `npm run test:reliability` (`--selectProjects reliability`) or a path under test/reliability.
 */
const reliabilityAsked = process.argv.some(
  (arg) => /(^|=|,)reliability$/.test(arg) || arg.includes('test/reliability'),
);
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
      testPathIgnorePatterns: ['\\.temporal\\.test\\.ts$', '\\.postgres\\.test\\.ts$', '/test/reliability/'],
    },
    {
      // A file named *.postgres.test.ts needs a real PostgreSQL server (the settings store),
      // which this project's globalSetup starts once for the run.
      ...common,
      displayName: 'postgres',
      testMatch: ['**/*.postgres.test.ts'],
      globalSetup: '<rootDir>/test/setup/postgres-setup.ts',
      globalTeardown: '<rootDir>/test/setup/postgres-teardown.ts',
    },
    {
      ...common,
      displayName: 'temporal',
      testMatch: ['**/*.temporal.test.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
    ...(reliabilityAsked
      ? [
          {
            ...common,
            displayName: 'reliability',
            testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
            globalSetup: '<rootDir>/test/setup/global-setup.ts',
            globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
          },
        ]
      : []),
  ],
};
