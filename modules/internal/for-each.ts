/**
 * Helpers for resources created with `for_each` (a module's per-zone resources when the zones are
 * Terraform variables). Internal: not part of the package's public API.
 */
import { Fn, propertyAccess, Token } from "cdktf";

/** The ids of every instance of a `for_each` resource, as one list, in key order. */
export function instanceIds(resource: { readonly fqn: string }): string[] {
  return Token.asList(propertyAccess(Fn.values(resource.fqn as unknown as unknown[]), ["*", "id"]));
}

/** One instance's attribute: `aws_subnet.x[key].id`. */
export function instanceAttribute(
  resource: { readonly fqn: string },
  key: unknown,
  attribute = "id",
): string {
  return Token.asString(propertyAccess(resource.fqn, [key, attribute]));
}
