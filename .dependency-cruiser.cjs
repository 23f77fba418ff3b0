/**
 * Boundaries of the code base, checked by `npm test` (a violation fails it with the rule's name).
 * Services meet only through tables and queues: their shared vocabulary is shared/tables (one contract
 * per table) and shared/contracts (one per queue); survey rules live in shared/domain only.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'service-imports-other-service',
      comment:
        'A service imports only shared/* and its own folder (read other tables through shared/tables).',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: '^services/web/handlers/fallback\\.ts$' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'fallback-imports-only-manifests',
      comment:
        'The $default fallback answers 404/405 from the route table of every manifest: its one allowed edge out of web is services/manifests.ts.',
      severity: 'error',
      from: { path: '^services/web/handlers/fallback\\.ts$' },
      to: { path: '^services/', pathNot: ['^services/web/', '^services/manifests\\.ts$'] },
    },
    {
      name: 'manifests-import-only-functions',
      comment:
        'services/manifests.ts lists every function: it imports the services’ functions.ts and nothing else of theirs.',
      severity: 'error',
      from: { path: '^services/manifests\\.ts$' },
      to: { path: '^services/[^/]+/', pathNot: '^services/[^/]+/functions\\.ts$' },
    },
    {
      name: 'domain-is-pure',
      comment: 'shared/domain (survey rules) uses no AWS SDK, no plumbing, no infrastructure.',
      severity: 'error',
      from: { path: '^shared/domain/' },
      to: {
        path: [
          '^shared/platform/',
          '^infra/',
          '^services/',
          '^shared/tables/',
          '^shared/contracts/',
          '@aws-sdk',
          '@middy',
        ],
      },
    },
    {
      name: 'platform-knows-no-survey-rules',
      comment:
        'shared/platform is plumbing: it imports nothing from shared/domain (neutral helpers live in shared/core).',
      severity: 'error',
      from: { path: '^shared/platform/' },
      to: { path: ['^shared/domain/', '^shared/tables/', '^shared/contracts/', '^services/'] },
    },
    {
      name: 'core-is-neutral',
      comment: 'shared/core is imported by domain and platform alike, so it imports neither.',
      severity: 'error',
      from: { path: '^shared/core/' },
      to: { path: ['^shared/(domain|platform|tables|contracts|ui)/', '^services/', '^infra/'] },
    },
    {
      name: 'shared-imports-no-service',
      comment: 'Nothing under shared/ depends on a service.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^services/' },
    },
    {
      name: 'service-imports-no-infra',
      comment: 'Services run unchanged in AWS and locally: they never import infra/.',
      severity: 'error',
      from: { path: '^(services|shared)/' },
      to: { path: '^infra/' },
    },
    {
      name: 'handler-imports-no-local-runtime',
      comment: 'Lambda handlers never import the local runtime (infra/local).',
      severity: 'error',
      from: { path: '/handlers/' },
      to: { path: '^infra/local/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { path: '^(services|shared)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: ['node_modules', 'cdk.out', '\\.data'] },
  },
};
