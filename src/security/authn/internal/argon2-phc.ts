// Strict parser for argon2 PHC strings ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), used to
// decide whether a stored hash needs an upgrade without trusting its contents.

export interface Argon2PhcParameters {
  readonly algorithm: 'argon2id' | 'argon2i' | 'argon2d';
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
  readonly saltBytes: number;
  readonly hashBytes: number;
}

const PHC_PATTERN =
  /^\$(argon2id|argon2i|argon2d)\$v=(\d{1,3})\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,128})\$([A-Za-z0-9+/]{11,256})$/;

/** Bytes encoded by unpadded base64 of the given length, or -1 for an impossible length. */
function unpaddedBase64Bytes(length: number): number {
  return length % 4 === 1 ? -1 : Math.floor((length * 3) / 4);
}

/** The parameters of a PHC string, or undefined for anything malformed (never throws). */
export function parseArgon2Phc(encoded: unknown): Argon2PhcParameters | undefined {
  if (typeof encoded !== 'string' || encoded.length > 512) return undefined;
  const match = PHC_PATTERN.exec(encoded);
  if (match === null) return undefined;
  const [, algorithm, version, memory, time, lanes, salt, hash] = match;
  if (
    algorithm === undefined ||
    version === undefined ||
    memory === undefined ||
    time === undefined ||
    lanes === undefined ||
    salt === undefined ||
    hash === undefined
  ) {
    return undefined;
  }
  const saltBytes = unpaddedBase64Bytes(salt.length);
  const hashBytes = unpaddedBase64Bytes(hash.length);
  if (saltBytes < 8 || hashBytes < 4) return undefined;
  return {
    algorithm: algorithm as Argon2PhcParameters['algorithm'],
    version: Number(version),
    memoryCost: Number(memory),
    timeCost: Number(time),
    parallelism: Number(lanes),
    saltBytes,
    hashBytes,
  };
}
