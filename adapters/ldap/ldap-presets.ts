/** Contract field → LDAP attribute of a customer entry. */
export interface CustomerAttributeMap {
  readonly customerId?: string;
  readonly name?: string;
  readonly street?: string;
  readonly zip?: string;
  readonly city?: string;
  readonly country?: string;
  readonly url?: string;
  readonly comment?: string;
  readonly createdAt?: string;
  readonly changedAt?: string;
}

/** Contract field → LDAP attribute of a customer user entry. */
export interface CustomerUserAttributeMap {
  readonly login?: string;
  readonly email?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly title?: string;
  readonly customerId?: string;
  /** A (multi-valued) attribute with the further customer ids. */
  readonly customerIds?: string;
  readonly phone?: string;
  readonly mobile?: string;
  readonly street?: string;
  readonly zip?: string;
  readonly city?: string;
  readonly country?: string;
  readonly comment?: string;
  readonly createdAt?: string;
  readonly changedAt?: string;
}

/** The defaults a preset gives one object kind; the configuration overrides each key. */
export interface ObjectPreset<M> {
  readonly filter: string;
  readonly scope: 'base' | 'one' | 'sub';
  readonly validFilter?: string;
  /** Judge Active Directory account state (see ValidityRule.accountStatus in ldap-mapper.ts). */
  readonly accountStatus?: boolean;
  readonly map: M;
}

/** A directory flavour: defaults for both object kinds and the page size of paged searches. */
export interface LdapPreset {
  readonly pageSize: number;
  /** The attribute whose value identifies an entry for life (decoded to a string); else the DN. */
  readonly stableIdAttribute: string;
  /**
   * What the list index's incremental refresh asks for: entries changed since the last refresh,
   * by `entryCSN` (OpenLDAP's change sequence number, a timestamp in microseconds, so that a
   * refresh re-reads only the last change rather than everything changed in the same second of
   * `modifyTimestamp`), `modifyTimestamp` (any RFC 4512 directory) or `uSNChanged` (AD's counter).
   */
  readonly changeAttribute: 'entryCSN' | 'modifyTimestamp' | 'uSNChanged';
  readonly customers: ObjectPreset<CustomerAttributeMap>;
  readonly customerUsers: ObjectPreset<CustomerUserAttributeMap>;
}

/** Names of the presets. */
export const LDAP_PRESET_NAMES = ['openldap', 'active-directory'] as const;
/** See {@link LDAP_PRESET_NAMES}. */
export type LdapPresetName = (typeof LDAP_PRESET_NAMES)[number];

/**
 * `openldap`: organizations and inetOrgPersons, as in the contract README's example; stable id
 * `entryUUID`.
 * `active-directory`: persons only (`(&(objectCategory=person)(objectClass=user))`: no
 * computers, contacts or groups) by sAMAccountName, the primary customer id in `company`;
 * validity from the account state (disabled or expired INVALID, locked out INVALID_TEMPORARILY);
 * customers as organizational units directly below their base DN, the comment in
 * `adminDescription` (AD's schema allows no `info` on an OU); stable id `objectGUID`; paged
 * results of 1,000 (AD's default MaxPageSize).
 */
export const LDAP_PRESETS: Readonly<Record<LdapPresetName, LdapPreset>> = {
  openldap: {
    pageSize: 500,
    stableIdAttribute: 'entryUUID',
    changeAttribute: 'entryCSN',
    customers: {
      filter: '(objectClass=organization)',
      scope: 'sub',
      map: {
        customerId: 'o',
        name: 'description',
        street: 'street',
        zip: 'postalCode',
        city: 'l',
        country: 'c',
        url: 'labeledURI',
        comment: 'info',
        createdAt: 'createTimestamp',
        changedAt: 'modifyTimestamp',
      },
    },
    customerUsers: {
      filter: '(objectClass=inetOrgPerson)',
      scope: 'sub',
      map: {
        login: 'uid',
        email: 'mail',
        firstName: 'givenName',
        lastName: 'sn',
        title: 'title',
        customerId: 'o',
        customerIds: 'ou',
        phone: 'telephoneNumber',
        mobile: 'mobile',
        street: 'street',
        zip: 'postalCode',
        city: 'l',
        country: 'c',
        comment: 'description',
        createdAt: 'createTimestamp',
        changedAt: 'modifyTimestamp',
      },
    },
  },
  'active-directory': {
    pageSize: 1000,
    stableIdAttribute: 'objectGUID',
    changeAttribute: 'uSNChanged',
    customers: {
      filter: '(objectClass=organizationalUnit)',
      scope: 'one',
      map: {
        customerId: 'ou',
        name: 'description',
        street: 'street',
        zip: 'postalCode',
        city: 'l',
        country: 'c',
        url: 'wWWHomePage',
        comment: 'adminDescription',
        createdAt: 'whenCreated',
        changedAt: 'whenChanged',
      },
    },
    customerUsers: {
      filter: '(&(objectCategory=person)(objectClass=user))',
      scope: 'sub',
      accountStatus: true,
      map: {
        login: 'sAMAccountName',
        email: 'mail',
        firstName: 'givenName',
        lastName: 'sn',
        title: 'title',
        customerId: 'company',
        phone: 'telephoneNumber',
        mobile: 'mobile',
        street: 'streetAddress',
        zip: 'postalCode',
        city: 'l',
        country: 'c',
        comment: 'description',
        createdAt: 'whenCreated',
        changedAt: 'whenChanged',
      },
    },
  },
};
