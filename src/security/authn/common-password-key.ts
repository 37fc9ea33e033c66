// The one normalisation both the shipped list and a candidate password go through before they
// are compared, so that case, Unicode form and surrounding spaces do not hide a common password.

/** The shipped list only holds entries at least this long: shorter ones fail the length rule. */
export const COMMON_PASSWORD_MIN_CODE_POINTS = 8;

/** NFKC (folds full-width and compatibility forms), trimmed, lower-cased (locale-independent). */
export function commonPasswordKey(password: string): string {
  return password.normalize('NFKC').trim().toLowerCase();
}

/** Length in Unicode code points, as JSON Schema counts it (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
    }
    count += 1;
  }
  return count;
}
