/**
 * The outputs of the stacks, by name and type: what a stack declares and what the release steps read
 * back from `terraform output -json`. A stack declares its outputs with `declareOutputs`, so the
 * compiler checks that it gives every one, with its type; a release step reads them with
 * `parseOutputs`, which fails naming each output that is missing or of another type.
 */
import type { runTaskNetworkConfiguration } from "@aws-platform-kit/modules/compute";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";

/** How one output's value looks in `terraform output -json`. */
export interface OutputType<T> {
  /** What the value must be, as error messages say it: "a string". */
  readonly expected: string;
  readonly is: (value: unknown) => value is T;
}

/** One output of a stack. */
export interface OutputSpec<T> {
  readonly type: OutputType<T>;
  /** What it is, as `terraform output` shows it. @default - none */
  readonly description?: string;
  /** Only some stacks of the kind declare it (the previews' domain: only the previews' host). */
  readonly optional?: boolean;
}

/** The outputs of one kind of stack, by output name. */
export type OutputSpecs = Readonly<Record<string, OutputSpec<unknown>>>;

type ValueOf<S> = S extends OutputSpec<infer T> ? T : never;
type IsOptional<S> = S extends { readonly optional: true } ? true : false;

/** The values of outputs described by `S`: what a stack gives, and what a release step reads. */
export type OutputValues<S extends OutputSpecs> = {
  -readonly [K in keyof S as IsOptional<S[K]> extends true ? never : K]: ValueOf<S[K]>;
} & {
  -readonly [K in keyof S as IsOptional<S[K]> extends true ? K : never]?: ValueOf<S[K]>;
};

/** `--network-configuration` of `aws ecs run-task`, as `runTaskNetworkConfiguration` writes it. */
export type RunTaskNetworkConfiguration = ReturnType<typeof runTaskNetworkConfiguration>;

const isText = (value: unknown): value is string => typeof value === "string";
const isTextList = (value: unknown): value is string[] => Array.isArray(value) && value.every(isText);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const text: OutputType<string> = { expected: "a string", is: isText };
const textList: OutputType<string[]> = { expected: "a list of strings", is: isTextList };
const runTaskNetwork: OutputType<RunTaskNetworkConfiguration> = {
  expected:
    'a network configuration ({ awsvpcConfiguration: { subnets, securityGroups, assignPublicIp: "ENABLED" | "DISABLED" } })',
  is: (value): value is RunTaskNetworkConfiguration => {
    const config = isRecord(value) ? value.awsvpcConfiguration : undefined;
    return (
      isRecord(config) &&
      isTextList(config.subnets) &&
      isTextList(config.securityGroups) &&
      (config.assignPublicIp === "ENABLED" || config.assignPublicIp === "DISABLED")
    );
  },
};

function output<T>(type: OutputType<T>, description?: string): OutputSpec<T> {
  return description === undefined ? { type } : { type, description };
}

function optionalOutput<T>(
  type: OutputType<T>,
  description: string,
): OutputSpec<T> & { readonly optional: true } {
  return { type, description, optional: true };
}

/** What every stack that runs the service gives the release steps (`release:apply`, `preview:up`/`down`). */
export const SERVICE_OUTPUTS = {
  url: output(text, "where the service is served"),
  cluster_arn: output(text, "ECS cluster ARN"),
  service_name: output(text, "ECS service name"),
  migration_task_definition_arn: output(text, "one-off migration task definition"),
  run_task_network: output(runTaskNetwork, "network configuration for `aws ecs run-task` of the migration"),
} as const;

const uploadsBucket = output(text, "uploads bucket");

/** Where `web:publish` puts the web front end of an environment. */
export const WEB_OUTPUTS = {
  assets_bucket: output(text, "static assets bucket (web:publish)"),
  distribution_id: output(text, "CloudFront distribution"),
} as const;

/** An environment stack's outputs (`PlatformStack`): what previews and the release steps read. */
export const PLATFORM_OUTPUTS = {
  ...SERVICE_OUTPUTS,
  ...WEB_OUTPUTS,
  uploads_bucket: uploadsBucket,
  vpc_id: output(text, "VPC id"),
  vpc_cidr: output(text, "VPC range"),
  public_subnet_ids: output(textList, "public subnets, AZ order"),
  private_subnet_ids: output(textList, "private subnets, AZ order"),
  database_subnet_ids: output(textList, "database subnets, AZ order"),
  service_subnet_ids: output(textList, "where service tasks run"),
  service_assign_public_ip: output(text, "whether tasks need a public IP"),
  cluster_name: output(text, "ECS cluster name"),
  service_security_group_id: output(text, "service tasks' group"),
  alb_https_listener_arn: output(text, "HTTPS listener"),
  alb_security_group_id: output(text, "ALB security group"),
  alb_arn_suffix: output(text, "for CloudWatch metrics"),
  alb_dns_name: output(text, "for alias records"),
  alb_zone_id: output(text, "for alias records"),
  hosted_zone_id: output(text, "Route 53 zone"),
  database_address: output(text, "PostgreSQL host"),
  database_port: output(text, "PostgreSQL port"),
  database_name: output(text, "database name"),
  database_security_group_id: output(text, "database group"),
  database_secret_arn: output(text, "RDS-managed master secret"),
  database_resource_id: output(text, "for rds-db:connect grants (previews' IAM database users)"),
  app_signing_key_arn: output(text, "token-signing key secret"),
  alarm_topic_arn: output(text, "SNS alarm topic"),
  preview_tasks_security_group_id: optionalOutput(text, "group preview tasks join"),
  previews_domain: optionalOutput(text, "previews are pr-<N>.<this>"),
} as const;

/** The name of an output of an environment stack. */
export type PlatformOutputName = keyof typeof PLATFORM_OUTPUTS;

/** A preview stack's outputs (`PreviewStack`). */
export const PREVIEW_OUTPUTS = {
  ...SERVICE_OUTPUTS,
  uploads_bucket: uploadsBucket,
  database_schema: output(text, "the preview's PostgreSQL schema"),
} as const;

/** Declares `values` as the stack's outputs, one `TerraformOutput` each, named and described by `specs`. */
export function declareOutputs<S extends OutputSpecs>(
  scope: Construct,
  specs: S,
  values: OutputValues<S>,
): void {
  for (const [name, spec] of Object.entries(specs)) {
    const value: unknown = (values as Record<string, unknown>)[name];
    if (value === undefined) continue;
    new TerraformOutput(scope, name, { value, description: spec.description });
  }
}

/** A stack's outputs were missing or of another type than its description says. */
export class StackOutputsError extends Error {
  constructor(
    /** The stack whose outputs were read. */
    readonly stackName: string,
    /** The outputs at fault. */
    readonly outputs: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = "StackOutputsError";
  }
}

/**
 * The outputs `specs` describes, from the `name → value` pairs of `terraform output -json`; other
 * outputs are ignored (a stack may have more than a step reads). Throws `StackOutputsError`, naming
 * every output that is missing or of another type.
 */
export function parseOutputs<S extends OutputSpecs>(
  stack: string,
  specs: S,
  values: Readonly<Record<string, unknown>>,
): OutputValues<S> {
  const parsed: Record<string, unknown> = {};
  const problems: Array<{ output: string; problem: string }> = [];
  for (const [name, spec] of Object.entries(specs)) {
    const value = values[name];
    if (value === undefined || value === null) {
      if (!spec.optional) problems.push({ output: name, problem: "missing" });
    } else if (!spec.type.is(value)) {
      problems.push({
        output: name,
        problem: `${JSON.stringify(value).slice(0, 80)} is not ${spec.type.expected}`,
      });
    } else {
      parsed[name] = value;
    }
  }
  if (problems.length > 0) {
    throw new StackOutputsError(
      stack,
      problems.map((p) => p.output),
      `outputs of stack ${stack}: ${problems.map((p) => `${p.output}: ${p.problem}`).join("; ")}`,
    );
  }
  return parsed as OutputValues<S>;
}
