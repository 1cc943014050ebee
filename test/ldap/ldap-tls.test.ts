import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSourceUnavailableError } from '../../src/domain/errors';
import { capturingLogger, openldapSource } from './ldap-fixture';
import { layoutLdif, makeServerCertificate, makeTestCertificates, startSlapd, type Slapd } from './slapd';

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

// The certificate must be checked against the host of the URL, IP address or name, or against
// `tls.servername`: three servers whose certificates name one thing each.
describe('TLS host check: the certificate must name the URL host (IP or name) or tls.servername', () => {
  let dir: string;
  const servers: Record<'ipOnly' | 'otherName' | 'localhostOnly', Slapd> = {} as never;
  let caFile: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'helpdesk-ldap-tls-host-'));
    caFile = makeTestCertificates(dir).caFile;
    const certs = {
      ipOnly: makeServerCertificate(dir, 'ip-only', ['IP:127.0.0.1']),
      otherName: makeServerCertificate(dir, 'other-name', ['DNS:directory.other.example']),
      localhostOnly: makeServerCertificate(dir, 'localhost-only', ['DNS:localhost']),
    };
    for (const [name, tls] of Object.entries(certs)) {
      servers[name as keyof typeof servers] = await startSlapd({ ldif: layoutLdif('openldap'), tls, requireTlsForBind: true });
    }
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Reads ACME through a fresh source: the name on success, else the error and the log. */
  const acme = async (slapd: Slapd, extra: Record<string, unknown>) => {
    const { logger, lines } = capturingLogger();
    const { source } = openldapSource(slapd, extra, logger);
    try {
      return { name: (await source.customersByIds(['acme']))[0]?.name ?? null, log: '' };
    } catch (e) {
      return { name: e instanceof DataSourceUnavailableError ? 'unavailable' : String(e), log: lines().join('\n') };
    } finally {
      await source.close();
    }
  };
  const ldapsAt = (slapd: Slapd, host: string) => slapd.ldapsUrl!.replace('localhost', host);
  const ldapAt = (slapd: Slapd, host: string) => slapd.url.replace('127.0.0.1', host);

  test('a certificate naming only 127.0.0.1 is accepted for ldap://127.0.0.1 with StartTLS, and for ldaps://127.0.0.1', async () => {
    expect((await acme(servers.ipOnly, { tls: { startTLS: true, caFile } })).name).toBe('Acme Corporation');
    expect((await acme(servers.ipOnly, { url: ldapsAt(servers.ipOnly, '127.0.0.1'), tls: { caFile } })).name).toBe('Acme Corporation');
  });

  test('a certificate naming only localhost is refused for ldap://127.0.0.1 with StartTLS (and ldaps://), accepted for ldap://localhost', async () => {
    const startTls = await acme(servers.localhostOnly, { tls: { startTLS: true, caFile } });
    expect(startTls.name).toBe('unavailable');
    expect(startTls.log).toMatch(/127\.0\.0\.1/);
    expect((await acme(servers.localhostOnly, { url: ldapsAt(servers.localhostOnly, '127.0.0.1'), tls: { caFile } })).name).toBe('unavailable');
    expect((await acme(servers.localhostOnly, { url: ldapAt(servers.localhostOnly, 'localhost'), tls: { startTLS: true, caFile } })).name).toBe('Acme Corporation');
  });

  test('a certificate naming only another name is refused for the IP and for localhost, accepted with tls.servername', async () => {
    const other = servers.otherName;
    expect((await acme(other, { tls: { startTLS: true, caFile } })).name).toBe('unavailable');
    expect((await acme(other, { url: ldapAt(other, 'localhost'), tls: { startTLS: true, caFile } })).name).toBe('unavailable');
    expect((await acme(other, { url: ldapsAt(other, '127.0.0.1'), tls: { caFile } })).name).toBe('unavailable');
    expect((await acme(other, { tls: { startTLS: true, caFile, servername: 'directory.other.example' } })).name).toBe('Acme Corporation');
    expect((await acme(other, { url: ldapsAt(other, '127.0.0.1'), tls: { caFile, servername: 'directory.other.example' } })).name).toBe('Acme Corporation');
  });

  test('tls.servername naming the IP holds an IP certificate to that IP', async () => {
    expect((await acme(servers.ipOnly, { url: ldapAt(servers.ipOnly, 'localhost'), tls: { startTLS: true, caFile, servername: '127.0.0.1' } })).name).toBe('Acme Corporation');
    expect((await acme(servers.localhostOnly, { tls: { startTLS: true, caFile, servername: '127.0.0.2' } })).name).toBe('unavailable');
  });
});
