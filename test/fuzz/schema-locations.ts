// Places in a request body that a mutation can change (slots), found by walking a value with its
// schema, and the schema facts mutations need: bounds, item schemas, immutable edits.
import {
  isRecord,
  numberKeyword,
  propertiesOf,
  resolveRef,
  typesOf,
  type JsonSchema,
  type SchemaComponents,
} from './json-schema.ts';

export type Segment = string | number;

/** A place in the body that a mutation can change: present, or a declared but absent property. */
export interface Slot {
  readonly path: readonly Segment[];
  readonly schema: JsonSchema;
  readonly present: boolean;
  readonly value: unknown;
}

export function pointer(path: readonly Segment[]): string {
  return `/${path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export function resolved(schema: JsonSchema, components: SchemaComponents): JsonSchema {
  try {
    return resolveRef(schema, components);
  } catch {
    return schema;
  }
}

export function has(schema: JsonSchema, type: string): boolean {
  return typeof schema === 'object' && typesOf(schema).includes(type);
}

/** Every slot of a body value, walking declared properties and array items (not unions). */
export function bodySlots(
  value: unknown,
  schema: JsonSchema,
  components: SchemaComponents,
): Slot[] {
  const slots: Slot[] = [];
  const walk = (current: unknown, raw: JsonSchema, path: Segment[], present: boolean): void => {
    const node = resolved(raw, components);
    slots.push({ path, schema: node, present, value: current });
    if (!present || typeof node === 'boolean') return;
    if (isRecord(current)) {
      for (const [name, child] of propertiesOf(node)) {
        walk(current[name], child, [...path, name], Object.hasOwn(current, name));
      }
    } else if (Array.isArray(current)) {
      const items = node.items;
      if (typeof items === 'boolean' || isRecord(items)) {
        current.forEach((item, i) => {
          walk(item, items, [...path, i], true);
        });
      }
    }
  };
  walk(value, schema, [], true);
  return slots;
}

/** Every schema reachable from a root through properties and items: for applicability checks. */
export function reachableSchemas(root: JsonSchema, components: SchemaComponents): JsonSchema[] {
  const seen = new Set<JsonSchema>();
  const visit = (raw: JsonSchema): void => {
    const node = resolved(raw, components);
    if (seen.has(node)) return;
    seen.add(node);
    if (typeof node === 'boolean') return;
    for (const [, child] of propertiesOf(node)) visit(child);
    const items = node.items;
    if (typeof items === 'boolean' || isRecord(items)) visit(items);
  };
  visit(root);
  return [...seen];
}

export function setAt(root: unknown, path: readonly Segment[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<Segment, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
  const last = path[path.length - 1] as Segment;
  Object.defineProperty(parent, last, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

export function deleteAt(root: unknown, path: readonly Segment[]): unknown {
  const copy = structuredClone(root) as Record<Segment, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key is the mutation
  delete parent[path[path.length - 1] as Segment];
  return copy;
}

/** A string of `length` code points built from `seed`'s characters, or astral ones. */
export function stringOfLength(length: number, seed: unknown, astral: boolean): string {
  const alphabet = astral
    ? ['\u{1F600}']
    : typeof seed === 'string' && seed !== ''
      ? Array.from(seed)
      : ['a'];
  return Array.from({ length }, (_, i) => alphabet[i % alphabet.length]).join('');
}

/** Values just outside a numeric schema's bounds. */
export function outOfRange(schema: JsonSchema): number[] {
  if (typeof schema === 'boolean') return [];
  const integer = has(schema, 'integer');
  const step = (bound: number) => (integer ? 1 : Math.max(1, Math.abs(bound) * 1e-6));
  const values: number[] = [];
  const maximum = numberKeyword(schema, 'maximum');
  const exclusiveMaximum = numberKeyword(schema, 'exclusiveMaximum');
  const minimum = numberKeyword(schema, 'minimum');
  const exclusiveMinimum = numberKeyword(schema, 'exclusiveMinimum');
  if (maximum !== undefined) values.push(maximum + step(maximum));
  if (exclusiveMaximum !== undefined) values.push(exclusiveMaximum);
  if (minimum !== undefined) values.push(minimum - step(minimum));
  if (exclusiveMinimum !== undefined) values.push(exclusiveMinimum);
  return values.filter((v) => Number.isFinite(v));
}

export function isNumeric(schema: JsonSchema): boolean {
  return has(schema, 'integer') || has(schema, 'number');
}

export function boundedString(schema: JsonSchema): number | undefined {
  return typeof schema === 'object' && has(schema, 'string')
    ? numberKeyword(schema, 'maxLength')
    : undefined;
}

export function boundedArray(schema: JsonSchema): number | undefined {
  return typeof schema === 'object' && has(schema, 'array')
    ? numberKeyword(schema, 'maxItems')
    : undefined;
}

export function itemsOf(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return true;
  const items = schema.items;
  return typeof items === 'boolean' || isRecord(items) ? items : true;
}
