/** Validity of a customer or customer user, as in OTRS. */
export enum Validity {
  VALID = 'VALID',
  INVALID = 'INVALID',
  INVALID_TEMPORARILY = 'INVALID_TEMPORARILY',
}
