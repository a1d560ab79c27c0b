/** The compute module for Terraform: a `FargateService` (and its `Cluster`, unless one is given) with every prop a variable. */
import { conditional, Fn, Op, propertyAccess, TerraformLocal, Token } from "cdktf";
import {
  CAPACITY_BASE_RANGE,
  CAPACITY_WEIGHT_RANGE,
  CPU_ARCHITECTURES,
  FARGATE_CAPACITY_PROVIDERS,
  SPOT_ARM64_RULE,
  STRATEGY_DUPLICATE_RULE,
  STRATEGY_EMPTY_RULE,
  STRATEGY_ONE_BASE_RULE,
  STRATEGY_WEIGHT_RULE,
} from "../compute/capacity.js";
import {
  CLUSTER_ARN,
  CLUSTER_ARN_RULE,
  Cluster,
  type ClusterProps,
  CONTAINER_INSIGHTS,
} from "../compute/cluster.js";
import {
  ARN_VALUE,
  ENV_NAME,
  ENV_NAME_RULE,
  JSON_KEY,
  JSON_KEY_RULE,
  SECRET_IN_ENVIRONMENT_RULE,
  SECRET_NAME,
  SECRET_NAME_RULE,
  SECRET_VALUES,
  SETTING_NAME,
  secretValueRule,
} from "../compute/environment.js";
import { FargateService } from "../compute/fargate-service.js";
import type { FargateServiceProps } from "../compute/fargate-service-props.js";
import {
  CONTAINER_PORT_RANGE,
  CONTAINER_PORT_RULE,
  CONTAINER_USER,
  CONTAINER_USER_RULE,
  CPU_TARGET_RULE,
  DEPLOYMENT_ROOM_RULE,
  DESIRED_COUNT_RANGE,
  GRACE_PERIOD_RANGE,
  HEALTH_CHECK_PATH,
  HEALTH_CHECK_PATH_RULE,
  IMAGE_DIGEST,
  IMAGE_TAG,
  IMAGE_TAG_RULE,
  LATEST_TAG_RULE,
  MAX_PERCENT_RANGE,
  MIN_HEALTHY_PERCENT_RANGE,
  NOT_ROOT_RULE,
  REQUEST_COUNT_LABEL,
  REQUEST_COUNT_LABEL_RULE,
  REQUESTS_NEED_LABEL_RULE,
  REQUESTS_PER_TARGET_RULE,
  ROOT_USERS,
  SCALING_COUNT_RANGE,
  STOP_TIMEOUT_RANGE,
  SUBNETS_RULE,
} from "../compute/service-settings.js";
import { FARGATE_CPU_RULE, FARGATE_TASK_SIZES, fargateMemoryRule } from "../compute/task-size.js";
import { MANAGED_POLICY_ARN, MANAGED_POLICY_ARN_RULE } from "../iam/policy.js";
import { ARN_KINDS, arnPattern, integerRangeRule, oneOfRule } from "../validation/validators.js";
import {
  hclList,
  hclString,
  integerInRange,
  logRetentionDays,
  matches,
  oneOf,
  optional,
} from "./conditions.js";
import type { HclModule } from "./hcl-module.js";
import type { Rule } from "./module-stack.js";
import { AWS_PARTITION_ONLY, limitNameLength, moduleNaming } from "./shared.js";

const SERVICE = "compute/fargate-service-props.ts#FargateServiceProps";
const LOAD_BALANCER = "compute/fargate-service-props.ts#FargateLoadBalancerProps";
const CLUSTER = "compute/cluster.ts#ClusterProps";

/** A pattern as RE2 reads it, its flags kept (`i` becomes `(?i)`). */
function re(pattern: RegExp): string {
  return hclString(`${pattern.flags.includes("i") ? "(?i)" : ""}${pattern.source}`);
}

/** The source of an anchored pattern without its anchors, to embed in a larger one. */
function inner(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, "").replace(/\$$/, "");
}

/**
 * `rule` for an object variable that may be null. `||` does not short-circuit in Terraform, so a
 * rule reading the object's attributes is the unselected branch of a conditional instead.
 */
function whenSet(ref: string, rule: Rule): Rule {
  return { condition: `${ref} == null ? true : (${rule.condition})`, message: rule.message };
}

/** An HCL expression as cdktf passes it through: `${…}`. */
function expression(text: string): string {
  return `\${${text}}`;
}

/** A whole number in `range`, or null. */
function optionalInteger(ref: string, range: Parameters<typeof integerInRange>[1]): Rule {
  return whenSet(ref, integerInRange(ref, range));
}

/** An ECR image: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`, then `:<tag>` or `@sha256:<digest>`. */
const ECR_REPOSITORY_URL =
  "(?P<url>(?P<account>\\d{12})\\.dkr\\.ecr\\.(?P<region>[a-z0-9-]+)\\.amazonaws\\.com/(?P<repository>(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*))";
const ECR_IMAGE = `^${ECR_REPOSITORY_URL}(?::${inner(IMAGE_TAG)}|@${inner(IMAGE_DIGEST)})$`;
/** The image split into its parts; the validation above has made sure it matches. */
const IMAGE_PARTS = `^${ECR_REPOSITORY_URL}[:@](?P<tag>.+)$`;

/** Fargate's CPU → memory table as an HCL object, for the memory rule. */
function taskSizes(): string {
  return `{ ${Object.entries(FARGATE_TASK_SIZES)
    .map(([cpu, memories]) => `"${cpu}" = [${memories.join(", ")}]`)
    .join(", ")} }`;
}

function environmentRules(): Rule[] {
  const each = (condition: string) => `alltrue([for k, v in var.environment : ${condition}])`;
  return [
    { condition: each(`can(regex(${re(ENV_NAME)}, k))`), message: ENV_NAME_RULE },
    {
      condition: each(
        `!can(regex(${re(SECRET_NAME)}, k)) || can(regex(${re(ARN_VALUE)}, v)) || (can(regex(${re(SETTING_NAME)}, k)) && can(regex("^\\\\d+$", v)))`,
      ),
      message: SECRET_NAME_RULE,
    },
    {
      condition: each(SECRET_VALUES.map(([pattern]) => `!can(regex(${re(pattern)}, v))`).join(" && ")),
      message: `a value ${secretValueRule(
        SECRET_VALUES.map(([, what]) => what)
          .join(", ")
          .replace(/, ([^,]*)$/, " or $1"),
      )}`,
    },
  ];
}

function secretRules(): Rule[] {
  const each = (condition: string) => `alltrue([for k, s in var.secrets : ${condition}])`;
  const secret = ARN_KINDS.secret;
  const key = ARN_KINDS.kmsKey;
  return [
    { condition: each(`can(regex(${re(ENV_NAME)}, k))`), message: ENV_NAME_RULE },
    { condition: each("!contains(keys(var.environment), k)"), message: SECRET_IN_ENVIRONMENT_RULE },
    {
      condition: each(`can(regex(${re(arnPattern(secret))}, s.secret_arn))`),
      message: `secret_arn must be a ${secret.name} ARN (${secret.shape})`,
    },
    {
      condition: each(`s.json_key == null ? true : can(regex(${re(JSON_KEY)}, s.json_key))`),
      message: `json_key ${JSON_KEY_RULE}`,
    },
    {
      condition: each(`s.kms_key_arn == null ? true : can(regex(${re(arnPattern(key))}, s.kms_key_arn))`),
      message: `kms_key_arn must be a ${key.name} ARN (${key.shape})`,
    },
  ];
}

function autoscalingRules(): Rule[] {
  const a = "var.autoscaling";
  return [
    whenSet(a, {
      ...integerInRange(`${a}.min_count`, SCALING_COUNT_RANGE),
      message: `min_count ${integerRangeRule(SCALING_COUNT_RANGE)}`,
    }),
    whenSet(a, {
      condition: `floor(${a}.max_count) == ${a}.max_count && ${a}.max_count >= ${a}.min_count && ${a}.max_count <= ${SCALING_COUNT_RANGE.max}`,
      message: `max_count must be a whole number from min_count to ${SCALING_COUNT_RANGE.max}`,
    }),
    whenSet(a, {
      condition: `${a}.cpu_target_percent > 0 && ${a}.cpu_target_percent <= 100`,
      message: `cpu_target_percent ${CPU_TARGET_RULE}`,
    }),
    whenSet(a, {
      condition: `${a}.requests_per_target == null ? true : ${a}.requests_per_target > 0`,
      message: `requests_per_target ${REQUESTS_PER_TARGET_RULE}`,
    }),
    whenSet(a, {
      condition: `${a}.requests_per_target == null || var.request_count_resource_label != null`,
      message: `requests_per_target ${REQUESTS_NEED_LABEL_RULE.replace("loadBalancer.requestCountResourceLabel", "request_count_resource_label")}`,
    }),
  ];
}

function capacityRules(): Rule[] {
  const v = "var.capacity_provider_strategy";
  const each = (condition: string) =>
    whenSet(v, { condition: `alltrue([for s in ${v} : ${condition}])`, message: "" }).condition;
  return [
    whenSet(v, { condition: `length(${v}) >= 1`, message: STRATEGY_EMPTY_RULE }),
    {
      condition: each(`contains(${hclList(FARGATE_CAPACITY_PROVIDERS)}, s.capacity_provider)`),
      message: `capacity_provider ${oneOfRule(FARGATE_CAPACITY_PROVIDERS)}`,
    },
    whenSet(v, {
      condition: `length(distinct([for s in ${v} : s.capacity_provider])) == length(${v})`,
      message: `a capacity provider ${STRATEGY_DUPLICATE_RULE}`,
    }),
    {
      condition: each(
        `floor(s.base) == s.base && s.base >= ${CAPACITY_BASE_RANGE.min} && s.base <= ${CAPACITY_BASE_RANGE.max}`,
      ),
      message: `base ${integerRangeRule(CAPACITY_BASE_RANGE)}`,
    },
    {
      condition: each(
        `floor(s.weight) == s.weight && s.weight >= ${CAPACITY_WEIGHT_RANGE.min} && s.weight <= ${CAPACITY_WEIGHT_RANGE.max}`,
      ),
      message: `weight ${integerRangeRule(CAPACITY_WEIGHT_RANGE)}`,
    },
    whenSet(v, {
      condition: `length([for s in ${v} : s if s.base > 0]) <= 1`,
      message: STRATEGY_ONE_BASE_RULE,
    }),
    whenSet(v, { condition: `anytrue([for s in ${v} : s.weight > 0])`, message: STRATEGY_WEIGHT_RULE }),
    {
      condition: each(
        'var.cpu_architecture != "ARM64" || s.capacity_provider != "FARGATE_SPOT" || (s.weight == 0 && s.base == 0)',
      ),
      message: SPOT_ARM64_RULE.replace('cpuArchitecture "X86_64"', 'cpu_architecture "X86_64"'),
    },
  ];
}

export const compute: HclModule = {
  name: "compute",
  title: "A hardened Fargate service, in its own ECS cluster or in one you give",
  summary:
    "An ECS Fargate service running one container image from ECR: a task definition with a read-only root filesystem, a non-root user, no Linux capabilities, a writable `/tmp`, a container health check and secrets injected from Secrets Manager; an execution role that can pull only that repository, write only the service's log group and read only the given secrets; an empty task role to grant to; a security group with no ingress and HTTPS-only egress; a deployment circuit breaker that rolls back; optionally a load balancer target group and target-tracking autoscaling. It creates its own cluster (Container Insights on by default) unless `cluster_arn` is given. Tasks run on the `FARGATE` launch type, or by a capacity provider strategy (`FARGATE_SPOT` for interruptible, cheaper tasks on X86_64), on X86_64 or ARM64 (Graviton).",
  example: `module "service" {
  source = "github.com/acme/platform//modules/terraform/compute"

  name           = "payments-prod"
  vpc_id         = module.network.vpc_id
  subnet_ids     = module.network.private_subnet_ids
  image          = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments-api:3f2c1a9"
  container_port = 8080

  target_group_arn = aws_lb_target_group.api.arn
  autoscaling      = { min_count = 2, max_count = 6 }
  secrets = {
    DATABASE_PASSWORD = { secret_arn = module.database.master_secret_arn, json_key = "password" }
  }
  # ECS refuses a target group no load balancer uses yet.
  depends_on = [aws_lb_listener.https]
}`,
  limitations: [
    "The image is one variable, `image`, an ECR image URI with a tag or a digest, where the TypeScript API takes a repository and a tag; the execution role may pull from that repository only.",
    "The service's own name part is fixed: the service, task family, roles and log group are `<name>-app`, and the container is `app` (the TypeScript `name` prop).",
    "Terraform always ignores later changes to `desired_count` (as terraform-aws-modules/ecs does): `lifecycle.ignore_changes` cannot depend on whether `autoscaling` is set. It sets the count at creation; change a running service's count with `autoscaling` or `aws ecs update-service`.",
    "The one-off migration task (`migration`) is not available: it needs a command and its own environment per stack; register one with `aws_ecs_task_definition` next to the module, reusing its roles and log group (outputs).",
    "`allowFrom` and `grantReadSecret` are methods in TypeScript: add ingress to `security_group_id` with `aws_vpc_security_group_ingress_rule`, and attach policies to `task_role_name`, in the calling module.",
    "The TypeScript `loadBalancer.dependsOn` has no variable: make the module depend on the listener (rule) that forwards to `target_group_arn`, with `depends_on` on the module block.",
    "Environment values and secret ARNs known only at apply (attributes of resources created in the same run) are not checked at plan: Terraform checks a variable once its value is known. The TypeScript API refuses such a reference under a secret-looking name unless the name ends in `_ARN`.",
    'Whether `cluster_arn` is null decides the cluster\'s `count`, so it must be known at plan: the ARN of a cluster created in the same run fails the plan ("Invalid count argument"); give an ARN known at plan, or let the module create the cluster.',
    AWS_PARTITION_ONLY,
  ],
  build(stack) {
    let built: FargateService | undefined;
    const naming = moduleNaming(
      stack,
      "service, task definition, roles, log group and security group (`<name>-app`), and the cluster (`<name>-cluster`) unless `cluster_arn` is given",
      () => (built as FargateService).securityGroup.ownerId,
    );
    const vpcId = stack.variable("vpc_id", { type: "string", doc: `${SERVICE}.vpcId` });
    const subnetIds = stack.variable("subnet_ids", {
      type: "list(string)",
      doc: `${SERVICE}.subnetIds`,
      rules: [{ condition: "length(var.subnet_ids) >= 1", message: SUBNETS_RULE }],
    });
    stack.variable("image", {
      type: "string",
      description:
        "The image the service runs, from ECR: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` (an immutable tag such as the commit SHA) or `…/<repository>@sha256:<digest>`. The execution role may pull from that repository only.",
      rules: [
        {
          condition: `can(regex(${hclString(ECR_IMAGE)}, var.image))`,
          message: `must be an ECR image, <account>.dkr.ecr.<region>.amazonaws.com/<repository> then :<tag> or @<digest>, whose tag or digest ${IMAGE_TAG_RULE}`,
        },
        { condition: '!endswith(var.image, ":latest")', message: LATEST_TAG_RULE },
      ],
    });
    const containerPort = stack.variable("container_port", {
      type: "number",
      doc: `${SERVICE}.containerPort`,
      default: 3000,
      rules: [
        { ...integerInRange("var.container_port", CONTAINER_PORT_RANGE), message: CONTAINER_PORT_RULE },
      ],
    });
    const clusterArn = stack.variable("cluster_arn", {
      type: "string",
      description:
        "The ARN of an existing ECS cluster to run in. Null: the module creates one, `<name>-cluster`, with Container Insights. Whether it is null must be known at plan (a literal, a data source, another state's output), not an attribute of a cluster created in the same run.",
      default: null,
      rules: [
        optional("var.cluster_arn", {
          condition: matches("var.cluster_arn", CLUSTER_ARN),
          message: CLUSTER_ARN_RULE,
        }),
      ],
    });
    const insights = stack.variable("container_insights", {
      type: "string",
      doc: `${CLUSTER}.containerInsights`,
      description: "Only for the cluster the module creates (`cluster_arn` null).",
      default: "enabled",
      rules: [oneOf("var.container_insights", CONTAINER_INSIGHTS)],
    });
    const cpu = stack.variable("cpu", {
      type: "number",
      doc: `${SERVICE}.cpu`,
      default: 256,
      rules: [
        {
          condition: `contains([${Object.keys(FARGATE_TASK_SIZES).join(", ")}], var.cpu)`,
          message: FARGATE_CPU_RULE,
        },
      ],
    });
    const memory = stack.variable("memory", {
      type: "number",
      doc: `${SERVICE}.memoryMiB`,
      default: 512,
      rules: [
        {
          condition: `contains(lookup(${taskSizes()}, tostring(var.cpu), []), var.memory)`,
          message: fargateMemoryRule(),
        },
      ],
    });
    const architecture = stack.variable("cpu_architecture", {
      type: "string",
      doc: `${SERVICE}.cpuArchitecture`,
      default: "X86_64",
      rules: [oneOf("var.cpu_architecture", CPU_ARCHITECTURES)],
    });
    const strategyVariable = stack.variable("capacity_provider_strategy", {
      type: "list(object({ capacity_provider = string, base = optional(number, 0), weight = number }))",
      doc: `${SERVICE}.capacityProviderStrategy`,
      description:
        'Null: the `FARGATE` launch type. E.g. `[{ capacity_provider = "FARGATE_SPOT", weight = 1 }]`. The cluster the module creates gets the `FARGATE` and `FARGATE_SPOT` capacity providers associated when a strategy is given; a cluster given by `cluster_arn` must already have them.',
      default: null,
      rules: capacityRules(),
    });
    stack.variable("desired_count", {
      type: "number",
      doc: `${SERVICE}.desiredCount`,
      description: "Null: 1, or `autoscaling.min_count`.",
      default: null,
      rules: [
        optionalInteger("var.desired_count", DESIRED_COUNT_RANGE),
        {
          condition:
            "var.desired_count == null || var.autoscaling == null ? true : var.desired_count >= var.autoscaling.min_count && var.desired_count <= var.autoscaling.max_count",
          message: "must be within the autoscaling range (from its min_count to its max_count)",
        },
      ],
    });
    const assignPublicIp = stack.variable("assign_public_ip", {
      type: "bool",
      doc: `${SERVICE}.assignPublicIp`,
      default: false,
    });
    const additionalGroups = stack.variable("additional_security_group_ids", {
      type: "list(string)",
      doc: `${SERVICE}.additionalSecurityGroupIds`,
      default: [],
    });
    const healthCheckPath = stack.variable("health_check_path", {
      type: "string",
      doc: `${SERVICE}.healthCheckPath`,
      default: "/healthz",
      rules: [
        { condition: matches("var.health_check_path", HEALTH_CHECK_PATH), message: HEALTH_CHECK_PATH_RULE },
      ],
    });
    const user = stack.variable("user", {
      type: "string",
      doc: `${SERVICE}.user`,
      default: "1000:1000",
      rules: [
        { condition: matches("var.user", CONTAINER_USER), message: CONTAINER_USER_RULE },
        { condition: `!contains(${hclList(ROOT_USERS)}, split(":", var.user)[0])`, message: NOT_ROOT_RULE },
      ],
    });
    const stopTimeout = stack.variable("stop_timeout_seconds", {
      type: "number",
      doc: `${SERVICE}.stopTimeoutSeconds`,
      default: 30,
      rules: [integerInRange("var.stop_timeout_seconds", STOP_TIMEOUT_RANGE)],
    });
    const environment = stack.variable("environment", {
      type: "map(string)",
      doc: `${SERVICE}.environment`,
      default: {},
      rules: environmentRules(),
    });
    stack.variable("secrets", {
      type: "map(object({ secret_arn = string, json_key = optional(string), kms_key_arn = optional(string) }))",
      doc: `${SERVICE}.secrets`,
      description:
        "Each is `{ secret_arn, json_key, kms_key_arn }`: the secret's full ARN, optionally one key of a JSON secret, and the customer-managed KMS key it is encrypted with (the execution role may then decrypt with it, through Secrets Manager only).",
      default: {},
      rules: secretRules(),
    });
    const retention = stack.variable("log_retention_days", {
      type: "number",
      doc: `${SERVICE}.logRetentionDays`,
      default: 30,
      rules: [logRetentionDays("var.log_retention_days")],
    });
    stack.variable("target_group_arn", {
      type: "string",
      doc: `${LOAD_BALANCER}.targetGroupArn`,
      description:
        "Null: not behind a load balancer. ECS refuses a target group no load balancer uses yet: make the module depend on the listener.",
      default: null,
    });
    stack.variable("health_check_grace_period_seconds", {
      type: "number",
      doc: `${LOAD_BALANCER}.healthCheckGracePeriodSeconds`,
      description: "Only with `target_group_arn`.",
      default: 60,
      rules: [integerInRange("var.health_check_grace_period_seconds", GRACE_PERIOD_RANGE)],
    });
    stack.variable("request_count_resource_label", {
      type: "string",
      doc: `${LOAD_BALANCER}.requestCountResourceLabel`,
      default: null,
      rules: [
        optional("var.request_count_resource_label", {
          condition: matches("var.request_count_resource_label", REQUEST_COUNT_LABEL),
          message: REQUEST_COUNT_LABEL_RULE,
        }),
        {
          condition: "var.request_count_resource_label == null || var.target_group_arn != null",
          message: "needs target_group_arn (the label names the service's target group)",
        },
      ],
    });
    stack.variable("autoscaling", {
      type: "object({ min_count = number, max_count = number, cpu_target_percent = optional(number, 60), requests_per_target = optional(number) })",
      doc: `${SERVICE}.autoscaling`,
      description:
        "Null: no autoscaling. `requests_per_target` (default 500 with a label) needs `request_count_resource_label`.",
      default: null,
      rules: autoscalingRules(),
    });
    const minHealthy = stack.variable("deployment_minimum_healthy_percent", {
      type: "number",
      doc: `${SERVICE}.deploymentMinHealthyPercent`,
      default: 100,
      rules: [integerInRange("var.deployment_minimum_healthy_percent", MIN_HEALTHY_PERCENT_RANGE)],
    });
    const maxPercent = stack.variable("deployment_maximum_percent", {
      type: "number",
      doc: `${SERVICE}.deploymentMaxPercent`,
      default: 200,
      rules: [
        integerInRange("var.deployment_maximum_percent", MAX_PERCENT_RANGE),
        {
          condition: "var.deployment_maximum_percent > var.deployment_minimum_healthy_percent",
          message: DEPLOYMENT_ROOM_RULE,
        },
      ],
    });
    const exec = stack.variable("enable_execute_command", {
      type: "bool",
      doc: `${SERVICE}.enableExecuteCommand`,
      default: false,
    });
    const boundary = stack.variable("permissions_boundary_arn", {
      type: "string",
      doc: `${SERVICE}.permissionsBoundaryArn`,
      default: null,
      rules: [
        optional("var.permissions_boundary_arn", {
          condition: matches("var.permissions_boundary_arn", MANAGED_POLICY_ARN),
          message: MANAGED_POLICY_ARN_RULE,
        }),
      ],
    });
    const keepRevisions = stack.variable("keep_superseded_revisions", {
      type: "bool",
      doc: `${SERVICE}.keepSupersededRevisions`,
      default: true,
    });

    // The cluster: created unless an ARN is given (count 0 or 1), named either way; its capacity
    // providers are associated when it is created and the service has a strategy.
    const cluster = new Cluster(stack, "cluster", {
      naming,
      containerInsights: insights.stringValue as ClusterProps["containerInsights"],
      capacityProviders: {},
    });
    const clusterGiven = Op.neq(clusterArn.value, Token.nullValue());
    cluster.cluster.count = Token.asNumber(conditional(clusterGiven, 0, 1));
    const association = cluster.capacityProviders as NonNullable<Cluster["capacityProviders"]>;
    association.count = Token.asNumber(
      conditional(Op.or(clusterGiven, Op.eq(strategyVariable.value, Token.nullValue())), 0, 1),
    );
    association.clusterName = Fn.one(propertyAccess(cluster.cluster.fqn, ["*", "name"]));
    const created = (attribute: string) => Fn.one(propertyAccess(cluster.cluster.fqn, ["*", attribute]));
    const clusterRef = {
      clusterArn: new TerraformLocal(
        stack,
        "cluster_arn",
        conditional(clusterGiven, clusterArn.value, created("arn")),
      ).asString,
      clusterName: new TerraformLocal(
        stack,
        "cluster_name",
        conditional(clusterGiven, Fn.element(Fn.split("/", clusterArn.stringValue), 1), created("name")),
      ).asString,
      capacityProviderAssociation: association,
    };

    // The image's parts: the repository (its URL and ARN, for the pull grant) and the tag or digest.
    const parts = new TerraformLocal(
      stack,
      "image",
      expression(`regex(${hclString(IMAGE_PARTS)}, var.image)`),
    );
    const part = (name: string) => Token.asString(propertyAccess(Token.asAny(parts.fqn), [name]));
    const repository = {
      repositoryUrl: part("url"),
      repositoryArn: `arn:aws:ecr:${part("region")}:${part("account")}:repository/${part("repository")}`,
    };

    // The optional parts with the props' names, as the construct reads them at plan (see
    // compute/at-plan.ts): autoscaling an object or null, the load balancer an object whose target
    // group ARN may be null (so that a target group created in the same run plans).
    const loadBalancer = new TerraformLocal(
      stack,
      "load_balancer",
      expression(
        "{ targetGroupArn = var.target_group_arn, healthCheckGracePeriodSeconds = var.health_check_grace_period_seconds, requestCountResourceLabel = var.request_count_resource_label }",
      ),
    );
    const autoscaling = new TerraformLocal(
      stack,
      "autoscaling",
      expression(
        "var.autoscaling == null ? null : { minCount = var.autoscaling.min_count, maxCount = var.autoscaling.max_count, cpuTargetPercent = var.autoscaling.cpu_target_percent, requestsPerTarget = coalesce(var.autoscaling.requests_per_target, 500) }",
      ),
    );
    const secrets = new TerraformLocal(
      stack,
      "secrets",
      expression(
        "{ for name, secret in var.secrets : name => { secretArn = secret.secret_arn, jsonKey = secret.json_key, kmsKeyArn = secret.kms_key_arn } }",
      ),
    );
    const strategy = new TerraformLocal(
      stack,
      "capacity_provider_strategy",
      expression(
        "var.capacity_provider_strategy == null ? null : [for s in var.capacity_provider_strategy : { capacityProvider = s.capacity_provider, base = s.base, weight = s.weight }]",
      ),
    );
    const desiredCount = new TerraformLocal(
      stack,
      "desired_count",
      expression(
        "var.desired_count != null ? var.desired_count : (var.autoscaling != null ? var.autoscaling.min_count : 1)",
      ),
    );

    const props: FargateServiceProps = {
      naming,
      cluster: clusterRef,
      repository,
      imageTag: part("tag"),
      vpcId: vpcId.stringValue,
      subnetIds: subnetIds.listValue,
      assignPublicIp: assignPublicIp.booleanValue as unknown as boolean,
      additionalSecurityGroupIds: additionalGroups.listValue,
      cpu: cpu.numberValue,
      memoryMiB: memory.numberValue,
      cpuArchitecture: architecture.stringValue as "X86_64",
      capacityProviderStrategy: Token.asAny(
        strategy.fqn,
      ) as unknown as FargateServiceProps["capacityProviderStrategy"],
      desiredCount: desiredCount.asNumber,
      containerPort: containerPort.numberValue,
      healthCheckPath: healthCheckPath.stringValue,
      user: user.stringValue,
      stopTimeoutSeconds: stopTimeout.numberValue,
      environment: Token.asStringMap(environment.value),
      secrets: secrets.asAnyMap as FargateServiceProps["secrets"],
      logRetentionDays: retention.numberValue,
      loadBalancer: Token.asAny(loadBalancer.fqn) as unknown as FargateServiceProps["loadBalancer"],
      autoscaling: Token.asAny(autoscaling.fqn) as unknown as FargateServiceProps["autoscaling"],
      deploymentMinHealthyPercent: minHealthy.numberValue,
      deploymentMaxPercent: maxPercent.numberValue,
      enableExecuteCommand: exec.booleanValue as unknown as boolean,
      permissionsBoundaryArn: boundary.stringValue,
      keepSupersededRevisions: keepRevisions.booleanValue as unknown as boolean,
    };
    built = new FargateService(stack, "service", props);
    const service = built;

    stack.output("service_name", {
      value: service.service.name,
      description: "The ECS service's name, `<name>-app`.",
    });
    stack.output("service_arn", { value: service.service.id, description: "The ECS service's ARN." });
    stack.output("cluster_arn", {
      value: clusterRef.clusterArn,
      description: "The cluster the service runs in: the one given, or the one the module created.",
    });
    stack.output("cluster_name", { value: clusterRef.clusterName, description: "That cluster's name." });
    stack.output("security_group_id", {
      value: service.securityGroup.id,
      description:
        "The tasks' security group: no ingress (add rules from your load balancer's group on `container_port`), HTTPS-only egress.",
    });
    stack.output("task_role_arn", {
      value: service.taskRole.arn,
      description: "The role the application runs as: nothing until you attach policies to it.",
    });
    stack.output("task_role_name", {
      value: service.taskRole.name,
      description: "The task role's name, to attach policies to.",
    });
    stack.output("execution_role_arn", {
      value: service.executionRole.arn,
      description: "The role ECS starts tasks with (pull the image, write logs, read the secrets).",
    });
    stack.output("task_definition_arn", {
      value: service.taskDefinition.arn,
      description: "The task definition revision the service runs.",
    });
    stack.output("task_definition_family", {
      value: service.taskDefinition.family,
      description: "The task definition's family, `<name>-app`.",
    });
    stack.output("log_group_name", {
      value: service.logGroup.name,
      description: "The containers' log group, `/ecs/<name>-app`.",
    });
    stack.output("container_name", {
      value: service.containerName,
      description: "The container's name in the task definition (for a load balancer or `aws ecs run-task`).",
    });
    limitNameLength(stack, naming);
  },
};
