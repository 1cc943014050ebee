import { defineDataSourceSuite } from '../conformance/data-source-suite';
import { activeDirectorySourceConfig, openSource, openldapSourceConfig } from './ldap-fixture';
import { layoutLdif, startSlapd } from './slapd';

const readOnly = { customers: true, customerUsers: true, writableCustomers: false, writableCustomerUsers: false, movesTicketsOnRename: false, dynamicFields: false, countsWithPages: false };

defineDataSourceSuite(
  'ldap (openldap preset)',
  async () => {
    const slapd = await startSlapd({ ldif: layoutLdif('openldap') });
    const { source, pages } = openSource(openldapSourceConfig(slapd.url));
    return { source, operations: pages, dispose: async () => (await source.close(), await slapd.dispose()) };
  },
  readOnly,
);

defineDataSourceSuite(
  'ldap (active-directory preset, AD-like layout with the msuser schema)',
  async () => {
    const slapd = await startSlapd({ ldif: layoutLdif('active-directory') });
    const { source, pages } = openSource(activeDirectorySourceConfig(slapd.url));
    return { source, operations: pages, dispose: async () => (await source.close(), await slapd.dispose()) };
  },
  readOnly,
);
