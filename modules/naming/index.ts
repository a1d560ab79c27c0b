/**
 * Naming: the one function that names and tags everything — `<project>-<env>-<thing>` by default,
 * or `<prefix>-<thing>` with tags of your own (`Naming.fromPrefix`).
 *
 * @packageDocumentation
 */
export * from "./naming.js";
