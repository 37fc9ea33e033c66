// Small, typed readers over JSON Schema values as they arrive in an OpenAPI document (plain
// parsed JSON), so the rest of the fuzzer never casts `unknown` ad hoc.

/** A JSON Schema: an object of keywords, or `true`/`false`. */
export type JsonSchema = boolean | SchemaObject;
export type SchemaObject = Readonly<Record<string, unknown>>;

/** `#/components/schemas/<name>` targets, by name. */
export type SchemaComponents = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isRecord(value);
}

export function numberKeyword(schema: SchemaObject, keyword: string): number | undefined {
  const value = schema[keyword];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function stringKeyword(schema: SchemaObject, keyword: string): string | undefined {
  const value = schema[keyword];
  return typeof value === 'string' ? value : undefined;
}

export function stringArrayKeyword(schema: SchemaObject, keyword: string): readonly string[] {
  const value = schema[keyword];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function schemaArrayKeyword(schema: SchemaObject, keyword: string): readonly JsonSchema[] {
  const value = schema[keyword];
  return Array.isArray(value) ? value.filter(isSchema) : [];
}

/** The properties of an object schema, in declaration order. */
export function propertiesOf(schema: SchemaObject): ReadonlyArray<readonly [string, JsonSchema]> {
  const properties = schema.properties;
  if (!isRecord(properties)) return [];
  return Object.entries(properties).filter((entry): entry is [string, JsonSchema] =>
    isSchema(entry[1]),
  );
}

/** The declared `type` as a list (`type: ["string", "null"]` is allowed in OpenAPI 3.1). */
export function typesOf(schema: SchemaObject): readonly string[] {
  const type = schema.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((t): t is string => typeof t === 'string');
  return [];
}

const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

/** Follows `$ref`s to `#/components/schemas/...` (chains included); throws on any other ref. */
export function resolveRef(schema: JsonSchema, components: SchemaComponents): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current === 'object' && typeof current.$ref === 'string'; hops++) {
    const match = COMPONENT_REF.exec(current.$ref);
    const name = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
    const target = name === undefined ? undefined : components[name];
    if (!isSchema(target) || hops > 32) {
      throw new Error(`cannot resolve $ref "${current.$ref}"`);
    }
    current = target;
  }
  return current;
}

/** Length in Unicode code points, the way JSON Schema counts `minLength`/`maxLength`. */
export function codePointLength(text: string): number {
  return Array.from(text).length;
}

/** JSON.stringify with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (!isRecord(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : 1)));
  });
}
