/**
 * Database: RDS for PostgreSQL, private and encrypted, its master password managed in Secrets Manager.
 *
 * @packageDocumentation
 */
export * from "./database.js";
export * from "./max-connections.js";
