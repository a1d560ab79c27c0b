import { afterEach, describe, expect, it, vi } from "vitest";
import { AppError } from "../errors.js";
import { createTokenService } from "./tokens.js";

const key = "a-test-signing-key-that-is-long-enough-0123456789";

/** Counts the HMAC verifications WebCrypto actually performs. */
const spyOnHmac = () => vi.spyOn(globalThis.crypto.subtle, "verify");

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const rejects = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("unauthorized");
};

describe("token service", () => {
  it("verifies a token it issued, and a repeat of it from memory without another HMAC", async () => {
    const tokens = createTokenService(key, 900);
    const token = await tokens.issue("user-1");
    const hmac = spyOnHmac();
    expect(await tokens.verify(token)).toBe("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    expect(hmac).toHaveBeenCalledTimes(1);
  });

  it("rejects a tampered token even while the original is remembered, and one signed with another key", async () => {
    const tokens = createTokenService(key, 900);
    const token = await tokens.issue("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    const [header, payload, signature] = token.split(".") as [string, string, string];
    // The first character: all six of its bits are signature bits. (The last one of a 32-byte HMAC
    // carries four padding bits, so changing it can leave the decoded signature as it was.)
    const flipped = `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    await rejects(tokens.verify(`${header}.${payload}.${flipped}`));
    const forged = await createTokenService(`${key}-other`, 900).issue("user-1");
    await rejects(tokens.verify(forged));
    // Only tokens that verified are remembered: the rejected ones cost a verification every time.
    const hmac = spyOnHmac();
    await rejects(tokens.verify(forged));
    expect(hmac).toHaveBeenCalledTimes(1);
  });

  it("stops accepting a remembered token the second it expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-23T12:00:00.000Z") });
    const tokens = createTokenService(key, 60);
    const token = await tokens.issue("user-1");
    expect(await tokens.verify(token)).toBe("user-1");
    vi.setSystemTime(new Date("2026-11-23T12:00:59.999Z"));
    expect(await tokens.verify(token)).toBe("user-1");
    vi.setSystemTime(new Date("2026-11-23T12:01:00.000Z"));
    await rejects(tokens.verify(token));
    await rejects(tokens.verify(token));
  });

  it("remembers at most verifiedCacheEntries tokens, dropping the oldest; 0 remembers none", async () => {
    const tokens = createTokenService(key, 900, { verifiedCacheEntries: 2 });
    const [first, second, third] = await Promise.all(["u1", "u2", "u3"].map((id) => tokens.issue(id)));
    for (const token of [first!, second!, third!]) await tokens.verify(token);
    const hmac = spyOnHmac();
    expect(await tokens.verify(third!)).toBe("u3");
    expect(await tokens.verify(second!)).toBe("u2");
    expect(hmac).toHaveBeenCalledTimes(0);
    expect(await tokens.verify(first!)).toBe("u1"); // evicted: verified again
    expect(hmac).toHaveBeenCalledTimes(1);

    const uncached = createTokenService(key, 900, { verifiedCacheEntries: 0 });
    const token = await uncached.issue("u4");
    await uncached.verify(token);
    await uncached.verify(token);
    expect(hmac).toHaveBeenCalledTimes(3);
  });
});
