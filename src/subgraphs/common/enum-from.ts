import { registerEnumType } from 'type-graphql';

/**
 * A GraphQL enum from a list written once in core (`as const`), so type-graphql, mongoose and the core
 * read the same values.
 */
export function enumFrom<const T extends string>(
  name: string,
  values: readonly T[],
  description?: string,
  valueDescriptions?: Record<T, string>,
): { [K in T]: K } {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
  const valuesConfig = valueDescriptions
    ? Object.fromEntries(values.map((value) => [value, { description: valueDescriptions[value] }]))
    : undefined;
  registerEnumType(enumObject, {
    name,
    ...(description ? { description } : {}),
    ...(valuesConfig ? { valuesConfig } : {}),
  } as Parameters<typeof registerEnumType<{ [K in T]: K }>>[1]);
  return enumObject;
}
