/**
 * Architecture rules (npm run lint:deps). Import direction:
 *   apps → capabilities → event-sourcing → platform, event-store, domain
 * The domain is pure TypeScript (no Nest, no infrastructure, no Node I/O); the event store knows no domain and
 * no Nest; a capability is entered only through its index.ts; nothing in libs depends on an app.
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
      to: { path: ['^libs/(domain|event-sourcing|capabilities|platform)/', '@nestjs'] },
    },
    {
      name: 'event-sourcing-knows-no-capability',
      severity: 'error',
      comment: 'What every capability shares knows none of them: capabilities plug into it, not the reverse.',
      from: { path: '^libs/event-sourcing/' },
      to: { path: '^libs/capabilities/' },
    },
    {
      name: 'platform-knows-no-capability-or-event-sourcing',
      severity: 'error',
      comment: 'Config, auth, errors, logging, http helpers: below everything that uses them.',
      from: { path: '^libs/platform/' },
      to: { path: '^libs/(capabilities|event-sourcing)/' },
    },
    {
      name: 'capabilities-meet-through-their-index',
      severity: 'error',
      comment:
        'A capability imports another only through libs/capabilities/<name>/index.ts (its public API), never its insides.',
      from: { path: '^libs/capabilities/([^/]+)/' },
      to: {
        path: '^libs/capabilities/([^/]+)/',
        pathNot: ['^libs/capabilities/$1/', '^libs/capabilities/[^/]+/index\\.ts$'],
      },
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
