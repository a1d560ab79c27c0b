import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawUpload, type SignedUpUser, startTestService, type TestService } from "../test/harness.js";

let service: TestService;
let user: SignedUpUser;

beforeAll(async () => {
  service = await startTestService();
  user = await service.signUp();
});
afterAll(() => service?.stop());

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);
const webp = Buffer.concat([
  Buffer.from("RIFF"),
  Buffer.alloc(4),
  Buffer.from("WEBPVP8 "),
  Buffer.alloc(64, 3),
]);

function putAvatar(token: string, bytes: Buffer, declaredType = "image/png") {
  const form = new FormData();
  form.append("avatar", new Blob([new Uint8Array(bytes)], { type: declaredType }), "me.png");
  return service.call("PUT", "/api/me/avatar", { token, body: form });
}

async function getAvatar(token: string) {
  const response = await fetch(`${service.url}/api/me/avatar`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe("profile", () => {
  it("returns the signed-in user's profile", async () => {
    const response = await service.call("GET", "/api/me", { token: user.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      user: {
        id: user.user.id,
        email: user.email,
        displayName: null,
        avatarUpdatedAt: null,
        createdAt: expect.any(String),
      },
    });
  });

  it("updates and clears the display name", async () => {
    const set = await service.call("PATCH", "/api/me", {
      token: user.token,
      json: { displayName: "  Ada  " },
    });
    expect(set.body.user.displayName).toBe("Ada");
    const cleared = await service.call("PATCH", "/api/me", {
      token: user.token,
      json: { displayName: null },
    });
    expect(cleared.body.user.displayName).toBeNull();
  });

  it.each([[{ displayName: "" }], [{ displayName: "x".repeat(101) }], [{ email: "new@example.test" }], [{}]])(
    "rejects %j with 400",
    async (json) => {
      const response = await service.call("PATCH", "/api/me", { token: user.token, json });
      expect(response.status).toBe(400);
    },
  );

  it("answers 400 to malformed JSON and 413 to a JSON body over 100 kB", async () => {
    const malformed = await service.call("PATCH", "/api/me", {
      token: user.token,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: { code: "invalid_request", message: "request body is not valid JSON" },
    });
    const large = await service.call("PATCH", "/api/me", {
      token: user.token,
      json: { displayName: "x".repeat(200_000) },
    });
    expect(large.status).toBe(413);
    expect(large.body.error.code).toBe("payload_too_large");
  });
});

describe("avatar", () => {
  it("answers 404 before an avatar is set", async () => {
    const fresh = await service.signUp();
    expect((await getAvatar(fresh.token)).status).toBe(404);
  });

  it.each([
    ["PNG", png, "image/png"],
    ["JPEG", jpeg, "image/jpeg"],
    ["WebP", webp, "image/webp"],
  ])("stores a %s identified by its bytes and streams it back", async (_name, bytes, type) => {
    const stored = await putAvatar(user.token, bytes, "application/octet-stream");
    expect(stored.status).toBe(200);
    expect(stored.body.user.avatarUpdatedAt).toEqual(expect.any(String));
    const avatar = await getAvatar(user.token);
    expect(avatar).toEqual({ status: 200, type, bytes });
  });

  it("answers 415 to a file that is not PNG, JPEG or WebP, whatever type it claims, and keeps the old one", async () => {
    await putAvatar(user.token, png);
    const response = await putAvatar(
      user.token,
      Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      "image/png",
    );
    expect(response.status).toBe(415);
    expect(response.body.error.code).toBe("unsupported_media_type");
    expect((await getAvatar(user.token)).bytes).toEqual(png);
  });

  it("answers 413 to an avatar over 2 MB", async () => {
    const upload = rawUpload({
      url: service.url,
      path: "/api/me/avatar",
      method: "PUT",
      token: user.token,
      field: "avatar",
      filename: "big.png",
      head: png,
    });
    await upload.send(2 * 1024 * 1024);
    await upload.finish();
    const response = await upload.response;
    expect(response.status).toBe(413);
    expect((await getAvatar(user.token)).bytes).toEqual(png);
  });

  it("answers 415 when the avatar is not sent as multipart", async () => {
    const response = await service.call("PUT", "/api/me/avatar", {
      token: user.token,
      json: { avatar: "x" },
    });
    expect(response.status).toBe(415);
  });
});
