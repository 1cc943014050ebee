/** A registry lookup result: the record, or null; a source failure is thrown. */
export function takeRecord<T>(found: T | null | Error | undefined): T | null {
  if (found instanceof Error) throw found;
  return found ?? null;
}

/** Renames keys of a validated input to the domain's names (e.g. country to countryCode), keeping absent keys absent. */
export function renameKeys<T extends Record<string, unknown>, M extends Partial<Record<keyof T, string>>>(
  input: T,
  map: M,
): Record<string, any> {
  return Object.fromEntries(Object.entries(input).map(([k, v]) => [map[k as keyof T] ?? k, v]));
}
