/**
 * The import graph's rules, checked by `npm run lint` (depcruise). The data takes one
 * road (webhook → server → Temporal → workflow → activities → clients → SuperOffice)
 * and nothing walks back up it; type-only imports count too, so a type cannot smuggle
 * a cycle in.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycle anywhere: a cycle makes load order matter and layers meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'nothing-imports-the-workflow',
      severity: 'error',
      comment:
        'Only the worker refers to src/workflows (by path, for bundling). Everyone else speaks to the ' +
        'workflow through src/workflow-contract.',
      from: { path: '^src/', pathNot: '^src/workflows/' },
      to: { path: '^src/workflows/' },
    },
    {
      name: 'workflow-imports-only-the-contract',
      severity: 'error',
      comment:
        'Workflow code is replayed in a sandbox and must stay deterministic: it imports the workflow ' +
        'contract, @temporalio/workflow and nothing else of ours.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/', pathNot: ['^src/workflows/', '^src/workflow-contract/'] },
    },
    {
      name: 'contract-imports-only-types',
      severity: 'error',
      comment:
        'The workflow bundle includes the contract, so its runtime imports stay inside it; the types of ' +
        'the data it describes may come from the modules that define them.',
      from: { path: '^src/workflow-contract/' },
      to: { path: '^src/', pathNot: '^src/workflow-contract/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflow-and-contract-use-no-node',
      severity: 'error',
      comment: 'Node APIs are not deterministic and are not available in the workflow sandbox.',
      from: { path: '^src/(workflows|workflow-contract)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'mapping-is-pure',
      severity: 'error',
      comment: 'The mapping rules do no I/O: they import neither Node APIs nor the layers that do I/O.',
      from: { path: '^src/mapping/' },
      to: {
        path: '^src/(activities|workflows|temporal|server|runtime|cli|emulators|oneflow/client|superoffice/client)',
      },
    },
    {
      name: 'mapping-uses-no-node',
      severity: 'error',
      from: { path: '^src/mapping/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'activities-and-temporal-do-not-reach-up',
      severity: 'error',
      comment: 'Activities and the Temporal plumbing sit below the server and the runtime.',
      from: { path: '^src/(activities|temporal)/' },
      to: { path: '^src/(server|runtime|cli)/' },
    },
    {
      name: 'product-code-does-not-import-tests',
      severity: 'error',
      from: { path: '^(src|bench)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
