/** Whose dynamic fields: a customer's (Znuny's CustomerCompany) or a customer user's (CustomerUser). */
export type DynamicFieldObject = 'customer' | 'customerUser';

/**
 * The value of one dynamic field of a record, as a helpdesk product keeps it (Znuny / OTOBO
 * dynamic fields of the object types CustomerCompany and CustomerUser).
 */
export interface DynamicFieldValue {
  /** The field's internal name, e.g. 'ContractLevel'. */
  readonly name: string;
  readonly label: string;
  /** 'Text', 'TextArea', 'Dropdown', 'Multiselect', 'Date', 'DateTime', 'Checkbox', … as the product names it. */
  readonly fieldType: string;
  /** Stored values: text as is, Dropdown / Multiselect keys, Date `YYYY-MM-DD`, DateTime ISO 8601 in UTC, Checkbox '1' / '0'. */
  readonly values: readonly string[];
  /** As shown: a Dropdown / Multiselect key's display value from the field's possible values; else the values. */
  readonly displayValues: readonly string[];
}
