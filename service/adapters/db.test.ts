import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from "../local/secrets-manager-stand-in.js";
import {
  createTestDatabase,
  eventually,
  runAsAdmin,
  stack,
  startTestService,
  type TestService,
} from "../test/harness.js";

// Runs the service the way it runs in AWS: database credentials and the signing key come from
// Secrets Manager (a stand-in speaking its API to the real SDK client), host/port/name from env.

const databaseSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-test";
const appSecretArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-signing-key";
const role = `app_${randomUUID().replaceAll("-", "").slice(0, 12)}`;

let secrets: SecretsManagerStandIn;
let service: TestService;

function setDatabasePassword(password: string) {
  secrets.set(databaseSecretArn, JSON.stringify({ username: role, password, engine: "postgres" }));
}

beforeAll(async () => {
  secrets = await startSecretsManagerStandIn();
  const database = await createTestDatabase();
  await runAsAdmin((client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'first-password-1234'`));
  await runAsAdmin(async (client) => {
    await client.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}`);
  }, database.url);
  setDatabasePassword("first-password-1234");
  secrets.set(appSecretArn, JSON.stringify({ signingKey: "k".repeat(48) }));
  const port = new URL(stack().adminUrl).port;
  service = await startTestService({
    env: {
      DATABASE_URL: undefined,
      APP_SECRET: undefined,
      DATABASE_SECRET_ARN: databaseSecretArn,
      DATABASE_HOST: "127.0.0.1",
      DATABASE_PORT: port,
      DATABASE_NAME: database.name,
      APP_SECRET_ARN: appSecretArn,
      SECRETS_MANAGER_ENDPOINT: secrets.endpoint,
    },
  });
});
afterAll(async () => {
  await service?.stop();
  await secrets?.stop();
});

describe("credentials from Secrets Manager", () => {
  it("serves requests with the database password and signing key read from their secrets", async () => {
    const user = await service.signUp();
    const created = await service.call("POST", "/api/tasks", { token: user.token, json: { title: "t" } });
    expect(created.status).toBe(201);
    expect(secrets.reads(appSecretArn)).toBe(1);
  });

  it("re-reads the secret and reconnects when the password is rotated, without failing a request", async () => {
    const user = await service.signUp();
    await service.call("POST", "/api/tasks", { token: user.token, json: { title: "before rotation" } });
    const readsBefore = secrets.reads(databaseSecretArn);

    // What RDS rotation does: a new password in PostgreSQL and in the secret...
    await runAsAdmin((client) => client.query(`ALTER ROLE ${role} PASSWORD 'second-password-5678'`));
    setDatabasePassword("second-password-5678");
    // ...and, so that the next request needs a new connection, the existing sessions end.
    await runAsAdmin((client) =>
      client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1", [role]),
    );
    await eventually(
      "the pool to drop its terminated connections",
      async () => service.runtime.db.poolStats().total === 0,
    );

    const after = await service.call("GET", "/api/tasks", { token: user.token });
    expect(after.status).toBe(200);
    expect(after.body.items.map((task: { title: string }) => task.title)).toEqual(["before rotation"]);
    expect(secrets.reads(databaseSecretArn)).toBeGreaterThan(readsBefore);
    expect((await service.call("GET", "/readyz")).status).toBe(200);
  });
});
