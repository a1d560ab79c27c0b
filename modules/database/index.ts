/**
 * Database: RDS for PostgreSQL, private and encrypted, its master password managed in Secrets Manager;
 * `Database.fromAttributes` for one created elsewhere.
 *
 * @packageDocumentation
 */
export * from "./database.js";
export {
  type DatabaseAttributes,
  type DatabaseRef,
  ImportedDatabase,
} from "./database-ref.js";
export * from "./max-connections.js";
