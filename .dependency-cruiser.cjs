/**
 * The layer rule: each folder may import only the folders below it, and no module imports
 * itself round a cycle. An offence fails `npm run lint` and test/unit/architecture.test.ts.
 */
const ours = '^(core|db|infra|workers|bot|api|sandbox|sms|app)/';

/** A folder may import, of ours, only itself and `allowed`. */
const only = (folder, allowed, comment) => ({
  name: `${folder}-imports-only-${allowed.join('-') || 'itself'}`,
  comment,
  severity: 'error',
  from: { path: `^${folder}/` },
  to: { path: ours, pathNot: `^(${[folder, ...allowed].join('|')})/` },
});

module.exports = {
  forbidden: [
    only('core', [], 'the domain imports nothing of ours'),
    only('db', ['core'], 'the database adapter implements core ports'),
    only('infra', ['core'], 'shared runtime: logger, metrics, HTTP server, Redis, queues'),
    only('sms', ['core', 'infra'], 'the SMS gateway adapter'),
    only('workers', ['core', 'db', 'infra'], 'jobs use core, the database and the runtime'),
    only('api', ['core', 'infra'], 'the HTTP API reaches the database through core ports'),
    only('sandbox', ['core', 'infra'], 'the sandbox messenger: infra and pure core helpers'),
    {
      name: 'bot-imports-only-core-infra',
      comment: 'the bot uses core and infra; only middleware that needs the database itself uses db',
      severity: 'error',
      from: { path: '^bot/', pathNot: '^bot/middleware/' },
      to: { path: ours, pathNot: '^(bot|core|infra)/' },
    },
    {
      name: 'bot-middleware-imports-only-core-infra-db',
      severity: 'error',
      from: { path: '^bot/middleware/' },
      to: { path: ours, pathNot: '^(bot|core|infra|db)/' },
    },
    {
      name: 'no-circular',
      comment: 'no cycles between modules',
      severity: 'error',
      from: { path: ours },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|test|bench|scripts|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
