// The database's tables as Kysely types. Timestamps are ISO 8601 UTC strings (sortable as text),
// flags are integers 0/1: one representation that SQLite and PostgreSQL share.

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  display_name: string;
  role: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
  user_agent: string;
  ip: string;
  idle_expires_at: string;
  absolute_expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: string;
  /** Set when the token was rotated; presenting it again is reuse. */
  superseded_at: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  sealed_private_jwk: string;
  state: string;
  created_at: string;
  activates_at: string;
  retired_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
}

export interface NotesTable {
  id: string;
  owner_id: string;
  title: string;
  body: string;
  tags: string;
  created_at: string;
  updated_at: string;
}

export interface NoteTagsTable {
  note_id: string;
  tag: string;
}

export interface LoginFailuresTable {
  /** HMAC of the normalised email, so unknown emails lock the same way without storing them. */
  account_key: string;
  failures: number;
  locked_until: string | null;
  updated_at: string;
}

export interface AuditEventsTable {
  id: string;
  at: string;
  type: string;
  actor_id: string | null;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  outcome: string;
  detail: string | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  signing_keys: SigningKeysTable;
  api_keys: ApiKeysTable;
  notes: NotesTable;
  note_tags: NoteTagsTable;
  login_failures: LoginFailuresTable;
  audit_events: AuditEventsTable;
}
