// Two projects: fast pure unit specs next to their code, and integration suites under test/
// that talk to the real PostgreSQL and Redis of the machine.
const fs = require('fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const moduleNameMapper = {
  '^@csp/(domain|event-store|platform|event-sourcing)$': '<rootDir>/libs/$1/src',
  '^@csp/(domain|event-store|platform|event-sourcing)/(.*)$': '<rootDir>/libs/$1/src/$2',
  '^@csp/capabilities/(.*)$': '<rootDir>/libs/capabilities/$1',
};
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] };
const common = {
  rootDir: __dirname,
  moduleNameMapper,
  transform,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/bench/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/support/env.setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/jest.setup.ts'],
    },
  ],
};
