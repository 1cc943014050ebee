import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';

test('examples/config.json is a valid configuration', () => {
  const config = loadConfig({ env: { HELPDESK_CONFIG: join(__dirname, '../../examples/config.json'), AGENT_TOKEN_SHA256: 'a'.repeat(64), READER_TOKEN_SHA256: 'b'.repeat(64) }, cwd: '/tmp' });
  expect(config.auth.tokens.map((t) => t.role)).toEqual(['reader', 'agent']);
  expect(config.dataSources[0]!.kind).toBe('sqlite');
});
