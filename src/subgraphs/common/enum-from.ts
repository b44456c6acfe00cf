import { registerEnumType } from 'type-graphql';

/**
 * A GraphQL enum from a list written once in core (`as const`), so type-graphql, mongoose and the core
 * read the same values. Value descriptions come as a record keyed by the core's type (TypeScript
 * refuses a missing or extra value) or as a function of the value.
 */
export function enumFrom<const T extends string>(
  name: string,
  values: readonly T[],
  description?: string,
  valueDescriptions?: Record<T, string> | ((value: T) => string),
): { [K in T]: K } {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
  const describe =
    typeof valueDescriptions === 'function' ? valueDescriptions : (value: T) => valueDescriptions?.[value];
  const valuesConfig = valueDescriptions
    ? Object.fromEntries(values.map((value) => [value, { description: describe(value) }]))
    : undefined;
  registerEnumType(enumObject, {
    name,
    ...(description ? { description } : {}),
    ...(valuesConfig ? { valuesConfig } : {}),
  } as Parameters<typeof registerEnumType<{ [K in T]: K }>>[1]);
  return enumObject;
}
