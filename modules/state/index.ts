/**
 * State: the Terraform remote-state backend (S3 bucket and DynamoDB lock table) and its grants.
 *
 * @packageDocumentation
 */
export * from "./state-backend.js";
