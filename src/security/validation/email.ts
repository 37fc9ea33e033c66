// Emails are compared in one form: trimmed and lower-cased, after validation, in one place.

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
