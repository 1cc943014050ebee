import { Field, ObjectType } from 'type-graphql';

/** The value of one dynamic field (see `src/domain/dynamic-fields.ts`). */
@ObjectType('DynamicFieldValue', {
  simpleResolvers: true,
  description:
    'The value of one dynamic field of a customer or customer user (Znuny / OTOBO dynamic fields of the object types CustomerCompany and CustomerUser). Sources without dynamic fields have none.',
})
export class DynamicFieldValue {
  @Field({ description: "The field's internal name, e.g. 'ContractLevel'." })
  name!: string;

  @Field({ description: "The field's label, e.g. 'Contract level'." })
  label!: string;

  @Field({ description: "The field type as Znuny names it: 'Text', 'TextArea', 'Dropdown', 'Multiselect', 'Date', 'DateTime', 'Checkbox'." })
  fieldType!: string;

  @Field(() => [String], {
    description: "The stored values: text as is, Dropdown / Multiselect keys, Date / DateTime as ISO 8601, Checkbox '1' or '0'. Several for a Multiselect.",
  })
  values!: string[];

  @Field(() => [String], {
    description: "The values as shown: a Dropdown / Multiselect key's display value from the field's possible values; otherwise the same as values.",
  })
  displayValues!: string[];
}
