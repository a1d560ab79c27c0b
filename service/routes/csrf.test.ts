import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SignedUpUser, startTestService, type TestService } from "../test/harness.js";

let service: TestService;
let user: SignedUpUser;
let cookie: string;

beforeAll(async () => {
  service = await startTestService();
  user = await service.signUp();
  cookie = `session=${user.token}`;
});
afterAll(() => service?.stop());

function fileForm() {
  const form = new FormData();
  form.append("file", new Blob(["forged"], { type: "text/plain" }), "forged.txt");
  return form;
}

const csrfRefusal = {
  error: {
    code: "forbidden",
    message: "requests that change data with the session cookie must carry an X-Requested-With header",
  },
};

describe("cross-site request forgery guard", () => {
  it("refuses a cookie-authenticated upload without X-Requested-With, as a cross-site form would send it", async () => {
    const response = await service.call("POST", "/api/files", { body: fileForm(), headers: { cookie } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(csrfRefusal);
    const listed = await service.call("GET", "/api/files", { token: user.token });
    expect(listed.body.items).toEqual([]);
  });

  it.each([
    ["POST", "/api/tasks", { title: "forged" }],
    ["PATCH", "/api/me", { displayName: "forged" }],
    ["POST", "/api/auth/logout", undefined],
  ])("refuses %s %s with the cookie and without the header", async (method, path, json) => {
    const response = await service.call(method, path, { json, headers: { cookie } });
    expect(response.status).toBe(403);
    expect(response.body).toEqual(csrfRefusal);
  });

  it("accepts cookie-authenticated changes that carry the header (what the web front end sends)", async () => {
    const headers = { cookie, "x-requested-with": "fetch" };
    const upload = await service.call("POST", "/api/files", { body: fileForm(), headers });
    expect(upload.status).toBe(201);
    const task = await service.call("POST", "/api/tasks", { json: { title: "with header" }, headers });
    expect(task.status).toBe(201);
  });

  it("needs no header for reads with the cookie, nor for any request with a bearer token", async () => {
    const read = await service.call("GET", "/api/me", { headers: { cookie } });
    expect(read.status).toBe(200);
    const bearer = await service.call("POST", "/api/tasks", {
      token: user.token,
      json: { title: "bearer" },
      headers: { cookie },
    });
    expect(bearer.status).toBe(201);
  });

  it("leaves requests without a session alone: register and login still work from a plain client", async () => {
    const email = `csrf-${Date.now()}@example.test`;
    const password = "correct horse battery staple";
    const registered = await service.call("POST", "/api/auth/register", { json: { email, password } });
    expect(registered.status).toBe(201);
    const login = await service.call("POST", "/api/auth/login", { json: { email, password } });
    expect(login.status).toBe(200);
  });
});
