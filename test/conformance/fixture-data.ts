import { Validity, type NewCustomer, type NewCustomerUser } from '../../src/domain/records';

/**
 * The dataset every adapter's conformance run starts from. SQLite loads it through its own
 * writes; a directory adapter ships the same records as LDIF (fixtures/ldap/). Names are chosen
 * to exercise ordering ties, case, unicode, literal search and multi-valued customer ids.
 */
export const FIXTURE_CUSTOMERS: readonly NewCustomer[] = [
  { customerId: 'ACME', name: 'Acme Corporation', valid: Validity.VALID, street: 'Main Street 1', zip: '10115', city: 'Berlin', countryCode: 'DE', url: 'https://acme.example', comment: 'Key account' },
  { customerId: 'globex', name: 'Globex', valid: Validity.VALID, street: null, zip: null, city: 'Springfield', countryCode: 'US', url: null, comment: null },
  { customerId: 'INITECH', name: 'Initech 100% Services', valid: Validity.VALID, street: 'Loop Road 5', zip: '73301', city: 'Austin', countryCode: 'US', url: null, comment: null },
  { customerId: 'UMBRELLA', name: 'Umbrella_Corp', valid: Validity.INVALID, street: null, zip: null, city: 'Raccoon City', countryCode: 'US', url: null, comment: 'closed down' },
  { customerId: 'MUELLER', name: 'Müller & Söhne GmbH', valid: Validity.VALID, street: 'Königsallee 12', zip: '40212', city: 'Düsseldorf', countryCode: 'DE', url: 'https://mueller.example', comment: null },
  { customerId: 'ZENITH', name: 'acme labs', valid: Validity.INVALID_TEMPORARILY, street: null, zip: null, city: null, countryCode: 'FR', url: null, comment: null },
];

const user = (u: Partial<NewCustomerUser> & Pick<NewCustomerUser, 'login' | 'firstName' | 'lastName' | 'customerId'>): NewCustomerUser => ({
  email: `${u.login}@example.com`,
  title: null,
  phone: null,
  mobile: null,
  street: null,
  zip: null,
  city: null,
  countryCode: null,
  comment: null,
  valid: Validity.VALID,
  additionalCustomerIds: [],
  ...u,
});

/** Customer users of the fixture; `jdoe` belongs to three customers, `old.timer` is invalid. */
export const FIXTURE_CUSTOMER_USERS: readonly NewCustomerUser[] = [
  user({ login: 'jdoe', firstName: 'John', lastName: 'Doe', customerId: 'ACME', additionalCustomerIds: ['globex', 'MUELLER'], phone: '+49 30 1234', title: 'Dr.' }),
  user({ login: 'asmith', firstName: 'Alice', lastName: 'Smith', customerId: 'ACME', email: 'alice.smith@acme.example' }),
  user({ login: 'bsmith', firstName: 'Bob', lastName: 'Smith', customerId: 'ACME' }),
  user({ login: 'hsimpson', firstName: 'Homer', lastName: 'Simpson', customerId: 'globex' }),
  user({ login: 'zoe.mueller', firstName: 'Zoë', lastName: 'Müller', customerId: 'MUELLER', city: 'Düsseldorf' }),
  user({ login: 'old.timer', firstName: 'Old', lastName: 'Timer', customerId: 'ACME', valid: Validity.INVALID }),
  user({ login: 'pgibbons', firstName: 'Peter', lastName: 'Gibbons', customerId: 'INITECH', mobile: '+1 512 555 0100' }),
];
