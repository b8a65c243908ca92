/**
 * Architecture rules (npm run lint:deps):
 * the domain is pure TypeScript — no Nest, no infrastructure, no Node I/O — and nothing in libs
 * depends on an app. Import direction: apps → application → domain.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'libs/domain holds business rules only: no framework, no driver, no I/O.',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: {
        pathNot: ['^libs/domain/', '^config/'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'domain-no-node-io',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'event-store-knows-no-domain-or-nest',
      severity: 'error',
      comment: 'The event store stores opaque events; it must stay reusable and framework-free.',
      from: { path: '^libs/event-store/' },
      to: { path: ['^libs/(domain|application|read-models|propagation|platform)/', '@nestjs'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: '\\.spec\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      from: { pathNot: '^(test|bench)/|\\.spec\\.ts$' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|^data/|^coverage/)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
