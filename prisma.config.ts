import { defineConfig } from "prisma/config";

// Read by the Prisma CLI only (client generation; `prisma migrate status` wherever a native engine
// exists). The service's own migration commands (scripts/db-*.ts) do not need it.
export default defineConfig({
  schema: "service/prisma/schema.prisma",
  migrations: { path: "service/prisma/migrations" },
  ...(process.env.DATABASE_URL ? { datasource: { url: process.env.DATABASE_URL } } : {}),
});
