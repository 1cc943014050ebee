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
  readonly map: M;
}

/** A directory flavour: defaults for both object kinds and the page size of paged searches. */
export interface LdapPreset {
  readonly pageSize: number;
  readonly customers: ObjectPreset<CustomerAttributeMap>;
  readonly customerUsers: ObjectPreset<CustomerUserAttributeMap>;
}

/** Names of the presets. */
export const LDAP_PRESET_NAMES = ['openldap', 'active-directory'] as const;
/** See {@link LDAP_PRESET_NAMES}. */
export type LdapPresetName = (typeof LDAP_PRESET_NAMES)[number];

/**
 * `openldap`: organizations and inetOrgPersons, as in the contract README's example.
 * `active-directory`: users by sAMAccountName, the primary customer id in `company`, disabled
 * accounts (userAccountControl bit 2, ACCOUNTDISABLE) INVALID, paged results of 1,000 (AD's
 * default MaxPageSize); customers as organizational units directly below their base DN.
 */
export const LDAP_PRESETS: Readonly<Record<LdapPresetName, LdapPreset>> = {
  openldap: {
    pageSize: 500,
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
        comment: 'info',
        createdAt: 'whenCreated',
        changedAt: 'whenChanged',
      },
    },
    customerUsers: {
      filter: '(objectClass=user)',
      scope: 'sub',
      validFilter: '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
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
