/** A registry lookup result: the record, or null; a source failure is thrown. */
export function takeRecord<T>(found: T | null | Error | undefined): T | null {
  if (found instanceof Error) throw found;
  return found ?? null;
}
