import { jwtVerify, SignJWT } from "jose";
import { AppError } from "../errors.js";

export interface TokenService {
  /** Signs a short-lived access token for the user. */
  issue(userId: string): Promise<string>;
  /** Returns the user id, or throws AppError(unauthorized). */
  verify(token: string): Promise<string>;
  readonly ttlSeconds: number;
}

const issuer = "aws-platform-kit";
const audience = "aws-platform-kit:api";

export function createTokenService(signingKey: string, ttlSeconds: number): TokenService {
  // Imported into WebCrypto once: given raw bytes, jose imports the key anew on every sign and
  // verify, which on Node 20 was about 40 % of the CPU time of verifying a token.
  const key = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(signingKey),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  key.catch(() => {}); // a failure surfaces where the key is awaited, not as an unhandled rejection
  return {
    ttlSeconds,
    issue: async (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(await key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key, { issuer, audience, algorithms: ["HS256"] });
        if (typeof payload.sub !== "string") throw new Error("token has no subject");
        return payload.sub;
      } catch (error) {
        throw new AppError("unauthorized", "authentication required", { cause: error });
      }
    },
  };
}
