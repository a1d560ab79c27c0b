import { randomBytes } from "node:crypto";
import { type Algorithm, hash, verify } from "@node-rs/argon2";

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (~30-60 ms on one core). */
const argon2id = 2 as Algorithm; // Algorithm.Argon2id, a const enum that isolated modules cannot read
const parameters = { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function argon2idHasher(): PasswordHasher {
  return {
    hash: (password) => hash(password, parameters),
    verify: async (passwordHash, password) => {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false;
      }
    },
  };
}

/**
 * A hash of a random password, verified against when a login names an unknown email so that the
 * response costs one KDF evaluation either way and timing does not reveal which emails exist.
 */
export function decoyHash(hasher: PasswordHasher): () => Promise<string> {
  let decoy: Promise<string> | undefined;
  return () => {
    decoy ??= hasher.hash(randomBytes(32).toString("base64url"));
    return decoy;
  };
}
