#!/usr/bin/env node
// `npm run ldap:demo`: builds the service (like `npm start`), starts a local OpenLDAP slapd with
// the fixture directory (fixtures/ldap: 6 customers, 7 customer users) on a free loopback port,
// and runs the service with two data sources: the helpdesk database (demo dataset) first, the
// directory second. Prints the GraphiQL address and a development token. Ctrl-C stops both.
//
// Environment: PORT (service, default 4000), LDAP_DEMO_PORT (slapd, default a free port).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const built = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

// The slapd harness of the tests (test/ldap/slapd.ts), bundled once for plain node.
const harnessFile = join(root, 'dist', 'ldap-demo', 'slapd.cjs');
require('esbuild').buildSync({
  entryPoints: [join(root, 'test', 'ldap', 'slapd.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: harnessFile,
  logLevel: 'warning',
});
const harness = require(harnessFile);

try {
  harness.assertSlapdInstalled();
} catch (e) {
  console.error(`ldap:demo: ${e.message}`);
  process.exit(1);
}

const fixtures = join(root, 'fixtures', 'ldap');
const slapd = await harness.startSlapd({
  ldif: [join(fixtures, 'base.ldif'), join(fixtures, 'openldap-layout.ldif')],
  ...(process.env.LDAP_DEMO_PORT && { port: Number(process.env.LDAP_DEMO_PORT) }),
});

const dataDir = join(root, 'data', 'ldap-demo');
mkdirSync(dataDir, { recursive: true });
const configFile = join(dataDir, 'config.json');
const config = {
  listen: { host: '127.0.0.1', port: 4000 },
  database: 'data/ldap-demo/helpdesk.db',
  seed: 'demo',
  auth: { tokens: [], devTokenFile: 'data/dev-token' },
  dataSources: [
    { id: 'local', name: 'Helpdesk database', kind: 'sqlite' },
    {
      id: 'directory',
      name: 'Corporate directory (OpenLDAP demo)',
      kind: 'ldap',
      url: slapd.url,
      bindDN: harness.READER_DN,
      bindPassword: '${LDAP_PASSWORD}',
      timeoutMs: 3000,
      preset: 'openldap',
      customers: {
        baseDN: `ou=customers,${harness.SUFFIX}`,
        filter: '(objectClass=organization)',
        validFilter: '(!(|(businessCategory=closed)(businessCategory=suspended)))',
        temporarilyInvalidFilter: '(businessCategory=suspended)',
      },
      customerUsers: {
        baseDN: `ou=people,${harness.SUFFIX}`,
        filter: '(objectClass=inetOrgPerson)',
        validFilter: '(!(employeeType=disabled))',
      },
    },
  ],
  links: {
    map: 'https://www.openstreetmap.org/search?query={street}, {zip} {city}, {country}',
    social: [{ label: 'LinkedIn', url: 'https://www.linkedin.com/search/results/companies/?keywords={name}' }],
  },
};
writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');

console.log(`\nDirectory: ${slapd.url} (slapd, fixtures/ldap; bind ${harness.READER_DN})`);
console.log(`Config:    ${configFile}`);
console.log('Try:       { customers(first: 50) { nodes { customerId name dataSource { id } } } }');

const service = spawn(process.execPath, [join(root, 'dist', 'src', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HELPDESK_CONFIG: configFile, LDAP_PASSWORD: harness.READER_PASSWORD },
});

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  if (service.exitCode === null) service.kill('SIGTERM');
  await slapd.dispose();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
service.on('exit', (code) => void stop(code ?? 0));
