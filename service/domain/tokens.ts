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
  const key = new TextEncoder().encode(signingKey);
  return {
    ttlSeconds,
    issue: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(userId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer, audience, algorithms: ["HS256"] });
        if (typeof payload.sub !== "string") throw new Error("token has no subject");
        return payload.sub;
      } catch (error) {
        throw new AppError("unauthorized", "authentication required", { cause: error });
      }
    },
  };
}
