// What the bench target seeds with BENCH_SEED=1: eight users with one known password.
export const BENCH_PASSWORD = 'bench passphrase that is long enough';
export const BENCH_USERS = 8;
export const benchEmail = (i: number): string => `bench${i}@example.com`;
