/**
 * IAM policy documents as the rules read them: statements with actions, resources and conditions as
 * lists, whatever shape the JSON had (a single string or a list, `Statement` as an object or a list).
 */
import { isRecord, jsonDocument, type PlannedResource, Unresolved } from "../plan/plan-model.js";

export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly principal: unknown;
  /** Operator → condition key → values (`{ StringEquals: { "aws:SourceAccount": ["1234"] } }`). */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

export type ParsedDocument =
  | { readonly ok: true; readonly statements: readonly Statement[] }
  /** The document is not readable at this point (e.g. it is another resource's output). */
  | { readonly ok: false; readonly reason: string };

/** Parses a policy document attribute value (known JSON, or the configured JSON template). */
export function parsePolicy(value: unknown): ParsedDocument {
  if (value === undefined || value === null || value === "") return { ok: true, statements: [] };
  const document = jsonDocument(value);
  if (!isRecord(document)) {
    const origin =
      value instanceof Unresolved && value.references.length
        ? `it is computed from ${value.references.join(", ")}`
        : "it is not a JSON document";
    return { ok: false, reason: `policy not readable before apply: ${origin}` };
  }
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return { ok: true, statements: raw.filter(isRecord).map(toStatement) };
}

function toStatement(s: Record<string, unknown>): Statement {
  const conditions: Record<string, Record<string, string[]>> = {};
  if (isRecord(s.Condition)) {
    for (const [operator, byKey] of Object.entries(s.Condition)) {
      if (!isRecord(byKey)) continue;
      conditions[operator] = Object.fromEntries(Object.entries(byKey).map(([k, v]) => [k, strings(v)]));
    }
  }
  return {
    ...(typeof s.Sid === "string" ? { sid: s.Sid } : {}),
    effect: s.Effect === "Deny" ? "Deny" : "Allow",
    actions: strings(s.Action),
    notActions: strings(s.NotAction),
    resources: strings(s.Resource),
    principal: s.Principal,
    conditions,
  };
}

function strings(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.map((v) => String(v));
}

/** How a statement is named in messages: its Sid, else its position. */
export function statementName(statement: Statement, index: number): string {
  return statement.sid ? `statement "${statement.sid}"` : `statement ${index + 1}`;
}

/** Identity policies (what a principal may do) held by one resource, each with a label. */
export function identityPolicies(resource: PlannedResource): Array<{ label: string; value: unknown }> {
  switch (resource.type) {
    case "aws_iam_policy":
    case "aws_iam_role_policy":
    case "aws_iam_user_policy":
    case "aws_iam_group_policy":
      return [{ label: "policy", value: resource.values.policy }];
    case "aws_iam_role": {
      const inline = resource.values.inline_policy;
      const blocks = Array.isArray(inline) ? inline.filter(isRecord) : isRecord(inline) ? [inline] : [];
      return blocks.map((b, i) => ({ label: `inline_policy ${String(b.name ?? i + 1)}`, value: b.policy }));
    }
    default:
      return [];
  }
}

/** Resource types that hold identity policies (see {@link identityPolicies}). */
export const IDENTITY_POLICY_TYPES = [
  "aws_iam_policy",
  "aws_iam_role_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
  "aws_iam_role",
] as const;
