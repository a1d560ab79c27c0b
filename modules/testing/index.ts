/**
 * Testing: synthesise a construct into its Terraform JSON in a unit test, without AWS.
 *
 * @packageDocumentation
 */
export * from "./synthesised.js";
