import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { capturingLogger, openldapSource } from './ldap-fixture';
import { layoutLdif, makeTestCertificates, startSlapd, type Slapd } from './slapd';

// slapd here refuses simple binds without TLS: a source that binds and reads proves the
// connection was encrypted, and one with an untrusted certificate must not connect at all.
describe('TLS: ldaps:// and StartTLS with certificate and host name verification', () => {
  let dir: string;
  let slapd: Slapd;
  let certs: ReturnType<typeof makeTestCertificates>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-tls-'));
    certs = makeTestCertificates(dir);
    slapd = await startSlapd({ ldif: layoutLdif('openldap'), tls: certs, requireTlsForBind: true });
  });
  afterAll(async () => {
    await slapd?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const acmeOf = async (extra: Record<string, unknown>) => {
    const { logger, lines } = capturingLogger();
    const { source } = openldapSource(slapd, extra, logger);
    try {
      return { result: (await source.customersByIds(['acme']))[0]?.name ?? null, log: lines().join('\n') };
    } catch (e) {
      return { result: e, log: lines().join('\n') };
    } finally {
      await source.close();
    }
  };

  test('plain ldap:// is refused by this server (so the other tests prove encryption)', async () => {
    const { result, log } = await acmeOf({});
    expect(result).toBeInstanceOf(DataSourceUnavailableError);
    expect(log).toMatch(/Confidentiality/i);
  });

  test('ldaps:// with the CA file', async () => {
    expect((await acmeOf({ url: slapd.ldapsUrl, tls: { caFile: certs.caFile } })).result).toBe('Acme Corporation');
  });

  test('StartTLS on ldap:// with the CA file', async () => {
    const url = slapd.url.replace('127.0.0.1', 'localhost');
    expect((await acmeOf({ url, tls: { startTLS: true, caFile: certs.caFile } })).result).toBe('Acme Corporation');
  });

  test('a certificate from another CA is rejected (ldaps:// and StartTLS)', async () => {
    for (const extra of [
      { url: slapd.ldapsUrl, tls: { caFile: certs.wrongCaFile } },
      { url: slapd.url, tls: { startTLS: true, caFile: certs.wrongCaFile } },
      { url: slapd.ldapsUrl }, // the system store does not know the throw-away CA either
    ]) {
      const { result, log } = await acmeOf(extra);
      expect(result).toBeInstanceOf(DataSourceUnavailableError);
      expect(log).toMatch(/certificate/i);
    }
  });

  test('a host name the certificate does not name is rejected', async () => {
    const { result, log } = await acmeOf({ url: slapd.ldapsUrl, tls: { caFile: certs.caFile, servername: 'directory.other.example' } });
    expect(result).toBeInstanceOf(DataSourceUnavailableError);
    expect(log).toMatch(/altnames|host ?name|does not match/i);
  });
});
