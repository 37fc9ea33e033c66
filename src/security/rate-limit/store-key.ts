// Builds the key under which a store keeps one counter: `{hashTag}:policyItem:key`. The braces are
// a Redis Cluster hash tag, so every counter of one check lives in one slot and one script.

// Escaped so the tag can never close its braces early nor two tags collide.
const escapeTag = (tag: string): string =>
  tag.replace(/[%{}]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The counter's identity. Unambiguous: the tag has no `}` once escaped, a policy item name has no
 * `:`, and the key comes last. The same (hashTag, policy item, key) is always the same counter, so
 * a caller must use the same hash tag for a key in every check it appears in.
 */
export function storeKey(hashTag: string, policyName: string, key: string): string {
  return `{${escapeTag(hashTag)}}:${policyName}:${key}`;
}
