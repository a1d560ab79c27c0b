/**
 * Naming: the one function that names and tags everything `<project>-<env>-<thing>`.
 *
 * @packageDocumentation
 */
export * from "./naming.js";
