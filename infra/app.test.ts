/**
 * The whole app, synthesised once, then validated and planned with the real Terraform CLI and AWS
 * provider (offline). This is what catches what type-checking cannot: a wrong attribute, a bad
 * reference, a value the provider rejects.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultMaxConnections } from "@aws-platform-kit/modules/database";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { buildApp } from "./app.js";
import { loadEnvironment, project } from "./environments/index.js";
import {
  databaseArn,
  environmentNaming,
  previewHostResources,
  previewRepository,
  previewWorkloadBoundaryArn,
  sharedRepository,
  workloadBoundaryArn,
} from "./environments/project.js";
import { RDS_CA_BUNDLE_PATH } from "./stacks/service-contract.js";
import { listStacks, type PlanJson, planStacksOffline, type StackPlan } from "./terraform/offline-plan.js";
import { prepareToolchain } from "./terraform/toolchain.js";

type StackJson = {
  terraform: { backend: Record<string, Record<string, unknown>>; required_version?: string };
  provider: { aws: Array<Record<string, unknown>> };
  resource: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, unknown>;
};

const outdir = mkdtempSync(join(tmpdir(), "platform-app-"));
let plans: StackPlan[] = [];
const stackJson = (stack: string) =>
  JSON.parse(readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
const resourcesOf = (stack: string, type: string) => Object.values(stackJson(stack).resource[type] ?? {});

beforeAll(async () => {
  // Every shipped stack, plus a sample preview (planned against the host's state fixture).
  buildApp({ outdir, previews: [{ prNumber: 123, imageTag: "3f2c1a9" }] }).synth();
  const toolchain = await prepareToolchain(join(outdir, "terraform.rc"));
  plans = await planStacksOffline(outdir, listStacks(outdir), toolchain, { concurrency: 2 });
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe("offline validate and plan with the real provider", () => {
  test("the app has the bootstrap stack, one stack per environment and the sample preview", () => {
    expect(plans.map((p) => p.stack).sort()).toEqual([
      "bootstrap",
      "dev",
      "preview-pr-123",
      "prod",
      "staging",
    ]);
  });

  test("every stack validates and plans with no errors and no warnings", () => {
    for (const plan of plans) {
      expect({ stack: plan.stack, errors: plan.errors, warnings: plan.warnings }).toEqual({
        stack: plan.stack,
        errors: [],
        warnings: [],
      });
      expect(plan.ok).toBe(true);
    }
  });

  test("each plan creates every resource synthesised, and changes or destroys nothing", () => {
    for (const plan of plans) {
      const planned = new Set(
        (JSON.parse(readFileSync(plan.planJson as string, "utf8")) as PlanJson).resource_changes
          ?.filter((rc) => rc.mode === "managed")
          .map((rc) => rc.address.replace(/\[[^\]]*\]$/, "")),
      );
      const synthesised = Object.entries(stackJson(plan.stack).resource).flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${type}.${name}`),
      );
      expect(synthesised.filter((address) => !planned.has(address))).toEqual([]);
      expect({ stack: plan.stack, add: plan.add, change: plan.change, destroy: plan.destroy }).toEqual({
        stack: plan.stack,
        add: plan.resources,
        change: 0,
        destroy: 0,
      });
    }
  });
});

describe("state", () => {
  test.each(["dev", "staging", "prod"])(
    "%s keeps encrypted, locked state in the S3 backend under its own key",
    (env) => {
      const { terraform } = stackJson(env);
      expect(terraform.backend.s3).toEqual({
        bucket: `${project.name}-bootstrap-tfstate-${project.state.accountId}-${project.state.region}`,
        key: `${project.name}/${env}/terraform.tfstate`,
        region: project.state.region,
        encrypt: true,
        dynamodb_table: `${project.name}-bootstrap-tfstate-lock`,
        use_lockfile: true,
      });
      expect(terraform.required_version).toBe(">= 1.10.0");
    },
  );

  test("the bootstrap stack starts on local state and creates the bucket and table the others use", () => {
    const bootstrap = stackJson("bootstrap");
    expect(Object.keys(bootstrap.terraform.backend)).toEqual(["local"]);
    const buckets = resourcesOf("bootstrap", "aws_s3_bucket").map((b) => b.bucket);
    expect(buckets).toContain(stackJson("dev").terraform.backend.s3?.bucket);
    expect(resourcesOf("bootstrap", "aws_dynamodb_table")[0]?.name).toBe(
      stackJson("dev").terraform.backend.s3?.dynamodb_table,
    );
  });
});

describe("no AWS API is needed to synthesise or plan", () => {
  test.each(["bootstrap", "dev", "staging", "prod"])("%s reads no data source that calls AWS", (stack) => {
    // aws_iam_policy_document is computed by the provider locally; every other data source calls AWS.
    const dataSources = Object.keys(stackJson(stack).data ?? {}).filter(
      (type) => type !== "aws_iam_policy_document",
    );
    expect(dataSources).toEqual([]);
  });

  test("the preview reads only its host's state, which the offline plan takes from a fixture", () => {
    expect(Object.keys(stackJson("preview-pr-123").data ?? {})).toEqual(["terraform_remote_state"]);
    const override = JSON.parse(
      readFileSync(join(outdir, "stacks", "preview-pr-123", "offline_override.tf.json"), "utf8"),
    ) as { data: { terraform_remote_state: Record<string, { backend: string; config: { path: string } }> } };
    expect(override.data.terraform_remote_state.host?.backend).toBe("local");
    expect(override.data.terraform_remote_state.host?.config.path).toMatch(/fixtures\/dev\.state\.json$/);
  });

  test.each(["dev", "staging", "prod"])(
    "%s's provider is locked to the configured account and region",
    (env) => {
      const config = loadEnvironment(env);
      expect(stackJson(env).provider.aws[0]).toMatchObject({
        region: config.region,
        allowed_account_ids: [config.accountId],
        default_tags: [{ tags: { Project: project.name, Environment: env, ManagedBy: "cdktf" } }],
      });
    },
  );
});

describe("environments differ only where their configs do", () => {
  test("NAT gateways follow natMode: none in dev, one in staging, one per AZ in prod", () => {
    expect(resourcesOf("dev", "aws_nat_gateway")).toHaveLength(0);
    expect(resourcesOf("staging", "aws_nat_gateway")).toHaveLength(1);
    expect(resourcesOf("prod", "aws_nat_gateway")).toHaveLength(
      loadEnvironment("prod").availabilityZones.length,
    );
  });

  test("subnets span each environment's configured AZs", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const zones = new Set(resourcesOf(env, "aws_subnet").map((s) => s.availability_zone));
      expect([...zones]).toEqual(loadEnvironment(env).availabilityZones);
    }
  });

  test("VPC ranges and flow-log retention come from config", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const config = loadEnvironment(env);
      expect(resourcesOf(env, "aws_vpc")[0]?.cidr_block).toBe(config.network.cidr);
      const flowLogGroup = resourcesOf(env, "aws_cloudwatch_log_group").find((g) =>
        String(g.name).startsWith("/vpc/"),
      );
      expect(flowLogGroup?.retention_in_days).toBe(config.network.flowLogRetentionDays);
    }
  });

  test("every environment alarms at 80 % of its database's max_connections, from its instance class", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const max = defaultMaxConnections(loadEnvironment(env).database.instanceClass);
      expect(max, env).toBeGreaterThan(0);
      const alarm = resourcesOf(env, "aws_cloudwatch_metric_alarm").find(
        (a) => a.metric_name === "DatabaseConnections",
      );
      expect(alarm?.threshold, env).toBe(Math.floor((max as number) * 0.8));
    }
  });

  test("the uploads bucket can be force-destroyed only where deletion protection is off", () => {
    for (const env of ["dev", "staging", "prod"]) {
      const uploads = resourcesOf(env, "aws_s3_bucket").find((b) => String(b.bucket).includes("-uploads-"));
      expect(uploads?.force_destroy).toBe(!loadEnvironment(env).deletionProtection);
    }
  });
});

describe("prod differs from dev exactly where the configs differ", () => {
  const envs = ["dev", "staging", "prod"] as const;
  const only = (stack: string, type: string) => {
    const all = resourcesOf(stack, type);
    expect(all).toHaveLength(1);
    return all[0] as Record<string, unknown>;
  };

  test("the same kinds of resources everywhere, except NAT (dev runs without it) and Spot (dev only)", () => {
    const types = (stack: string) => new Set(Object.keys(stackJson(stack).resource));
    const dev = types("dev");
    const prod = types("prod");
    expect([...prod].filter((t) => !dev.has(t)).sort()).toEqual(["aws_eip", "aws_nat_gateway"]);
    // dev's service and its previews run on Fargate Spot (service.capacity "spot"): its cluster has
    // the capacity providers associated; prod runs on demand with the launch type.
    expect(loadEnvironment("dev").service.capacity).toBe("spot");
    expect(loadEnvironment("prod").service.capacity ?? "on-demand").toBe("on-demand");
    expect([...dev].filter((t) => !prod.has(t))).toEqual(["aws_ecs_cluster_capacity_providers"]);
  });

  test.each(envs)("%s: the database follows its config", (env) => {
    const { database, deletionProtection } = loadEnvironment(env);
    expect(only(env, "aws_db_instance")).toMatchObject({
      instance_class: database.instanceClass,
      multi_az: database.multiAz,
      allocated_storage: database.allocatedStorageGb,
      max_allocated_storage: database.maxAllocatedStorageGb,
      backup_retention_period: database.backupRetentionDays,
      deletion_protection: deletionProtection,
      skip_final_snapshot: !deletionProtection,
      publicly_accessible: false,
      storage_encrypted: true,
    });
  });

  test.each(envs)("%s: the service's size, count and scaling follow its config", (env) => {
    const { service } = loadEnvironment(env);
    const taskDefinition = resourcesOf(env, "aws_ecs_task_definition").find(
      (t) => !String(t.family).endsWith("-migrate"),
    );
    expect(taskDefinition).toMatchObject({ cpu: String(service.cpu), memory: String(service.memoryMiB) });
    expect(only(env, "aws_ecs_service").desired_count).toBe(service.desiredCount);
    expect(only(env, "aws_appautoscaling_target")).toMatchObject({
      min_capacity: service.minCount,
      max_capacity: service.maxCount,
    });
  });

  test.each(envs)("%s: tasks get public IPs only when there is no NAT", (env) => {
    const { network } = loadEnvironment(env);
    const networkConfiguration = only(env, "aws_ecs_service").network_configuration as Record<
      string,
      unknown
    >;
    expect(networkConfiguration.assign_public_ip).toBe(network.natMode === "none");
  });

  test.each(envs)("%s: deletion protection and retention follow its config", (env) => {
    const config = loadEnvironment(env);
    expect(only(env, "aws_lb").enable_deletion_protection).toBe(config.deletionProtection);
    const serviceLogs = resourcesOf(env, "aws_cloudwatch_log_group").find((g) =>
      String(g.name).startsWith("/ecs/"),
    );
    expect(serviceLogs?.retention_in_days).toBe(config.logRetentionDays);
  });

  test("only the environment that hosts previews admits them: a wildcard name and a route from its ALB", () => {
    for (const env of envs) {
      const { previews } = loadEnvironment(env);
      const certificates = resourcesOf(env, "aws_acm_certificate").flatMap((c) => [
        c.domain_name,
        ...((c.subject_alternative_names as string[] | undefined) ?? []),
      ]);
      expect(certificates.includes(`*.${previews?.domain}`)).toBe(previews !== undefined);
      const albToPreviews = resourcesOf(env, "aws_vpc_security_group_egress_rule").filter(
        (r) => r.description === "load balancer to preview services in this VPC",
      );
      expect(albToPreviews).toHaveLength(previews ? 1 : 0);
      const previewTasksIntoDatabase = resourcesOf(env, "aws_vpc_security_group_ingress_rule").filter(
        (r) => r.description === "preview services to PostgreSQL",
      );
      expect(previewTasksIntoDatabase).toHaveLength(previews ? 1 : 0);
    }
  });
});

describe("the service is wired to what it needs, and no more", () => {
  test("its environment names the database, the uploads bucket and the RDS-managed secret", () => {
    const [container] = JSON.parse(
      String(
        resourcesOf("prod", "aws_ecs_task_definition").find((t) => !String(t.family).endsWith("-migrate"))
          ?.container_definitions,
      ),
    ) as Array<{ environment: Array<{ name: string; value: string }>; secrets: Array<{ name: string }> }>;
    const env = Object.fromEntries(container?.environment.map((e) => [e.name, e.value]) ?? []);
    expect(env).toMatchObject({
      NODE_ENV: "production",
      DATABASE_HOST: expect.stringMatching(/^\$\{aws_db_instance\..+\.address\}$/),
      DATABASE_IAM_USER: "app",
      DATABASE_SSL: "verify-full",
      DATABASE_CA_FILE: RDS_CA_BUNDLE_PATH,
      UPLOADS_BUCKET: expect.stringMatching(/^\$\{aws_s3_bucket\..*uploads.*\.id\}$/),
    });
    expect(container?.secrets.map((s) => s.name)).toEqual(["APP_SECRET"]);
  });

  test("the one web ACL (CloudFront's) lets uploads through: only the 8 KB body-size rule counts, every other rule blocks", () => {
    type Rule = {
      statement: { managed_rule_group_statement?: { name: string; rule_action_override?: unknown } };
    };
    const acls = resourcesOf("prod", "aws_wafv2_web_acl");
    expect(acls).toHaveLength(1);
    for (const acl of acls) {
      const overrides = (acl.rule as Rule[]).flatMap((r) => {
        const group = r.statement.managed_rule_group_statement;
        return group?.rule_action_override
          ? [{ group: group.name, overrides: group.rule_action_override }]
          : [];
      });
      expect(overrides).toEqual([
        {
          group: "AWSManagedRulesCommonRuleSet",
          overrides: [{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }],
        },
      ]);
    }
  });

  test("the migration task runs the same image with the migration command", () => {
    const definitions = resourcesOf("prod", "aws_ecs_task_definition").map(
      (t) => JSON.parse(String(t.container_definitions))[0] as { image: string; command?: string[] },
    );
    const migration = definitions.find((d) => d.command);
    expect(migration?.command).toEqual(["node", "dist/scripts/db-deploy.js"]);
    expect(new Set(definitions.map((d) => d.image)).size).toBe(1);
  });

  test("no signing key, password or token value appears anywhere in the synthesised stacks", () => {
    for (const stack of ["bootstrap", "dev", "staging", "prod", "preview-pr-123"]) {
      const text = readFileSync(join(outdir, "stacks", stack, "cdk.tf.json"), "utf8");
      expect(text).not.toMatch(/"(password|secret_string|master_password)"\s*:/);
      expect(text).not.toMatch(/AKIA[0-9A-Z]{16}/);
    }
  });
});

describe("application metrics leave the task (EMF) and are alarmed on, except in previews", () => {
  type Change = { address: string; type: string; change: { after: Record<string, unknown> | null } };
  const plannedOf = (stack: string, type: string) => {
    const plan = plans.find((p) => p.stack === stack);
    const json = JSON.parse(readFileSync(String(plan?.planJson), "utf8")) as { resource_changes: Change[] };
    return json.resource_changes.filter((rc) => rc.type === type).map((rc) => rc.change.after ?? {});
  };
  const serviceEnv = (stack: string) => {
    const [container] = JSON.parse(
      String(
        resourcesOf(stack, "aws_ecs_task_definition").find((t) => !String(t.family).endsWith("-migrate"))
          ?.container_definitions,
      ),
    ) as Array<{ environment: Array<{ name: string; value: string }> }>;
    return Object.fromEntries(container?.environment.map((e) => [e.name, e.value]) ?? []);
  };

  test("the dev plan has the application alarms, on the namespace and Service the task publishes with", () => {
    const env = serviceEnv("dev");
    expect(env).toMatchObject({
      METRICS_EMF_INTERVAL_SECONDS: "60",
      METRICS_NAMESPACE: "acme-dev/service",
      METRICS_SERVICE: "acme-dev-service",
    });
    const alarms = plannedOf("dev", "aws_cloudwatch_metric_alarm");
    const byName = (name: string) => alarms.find((a) => a.alarm_name === `acme-dev-${name}`);
    const dimensions = { Service: env.METRICS_SERVICE };
    expect(byName("app-p99-latency")).toMatchObject({
      namespace: env.METRICS_NAMESPACE,
      metric_name: "Latency",
      dimensions,
      extended_statistic: "p99",
    });
    expect(byName("app-db-pool-waiting")).toMatchObject({
      namespace: env.METRICS_NAMESPACE,
      metric_name: "DbPoolWaiting",
      dimensions,
      threshold: 0,
      treat_missing_data: "missing",
    });
    const rate = byName("app-5xx-rate");
    expect(rate?.treat_missing_data).toBe("notBreaching");
    // A set in the plan: order by id.
    const queries = rate?.metric_query as Array<{ id: string; expression?: string; metric?: unknown[] }>;
    const query = (id: string) => queries.find((q) => q.id === id);
    expect(queries.map((q) => q.id).sort()).toEqual(["errors", "rate", "requests"]);
    expect(query("rate")?.expression).toContain("FILL(errors, 0) / requests");
    expect(query("errors")?.metric).toEqual([
      expect.objectContaining({ namespace: env.METRICS_NAMESPACE, metric_name: "Errors5xx", dimensions }),
    ]);
    // The topic's ARN is known only after apply: the synthesised alarms name it.
    for (const name of ["app-5xx-rate", "app-p99-latency", "app-db-pool-waiting"]) {
      const synthesised = resourcesOf("dev", "aws_cloudwatch_metric_alarm").find(
        (a) => a.alarm_name === `acme-dev-${name}`,
      );
      expect(synthesised?.alarm_actions, name).toEqual([
        expect.stringMatching(/^\$\{aws_sns_topic\..+\.arn\}$/),
      ]);
    }
  });

  test("the dev plan's dashboard graphs requests, 4xx/5xx, latency percentiles, the pool and uploads", () => {
    // The planned body is unknown until apply (it lists the alarms' ARNs): read the graphs from the
    // synthesised body, and check the plan creates that dashboard.
    const [planned] = plannedOf("dev", "aws_cloudwatch_dashboard");
    expect(planned?.dashboard_name).toBe("acme-dev-overview");
    const [dashboard] = resourcesOf("dev", "aws_cloudwatch_dashboard");
    const body = String(dashboard?.dashboard_body);
    for (const name of [
      "Requests",
      "Errors4xx",
      "Errors5xx",
      "Latency",
      "DbPoolTotal",
      "DbPoolIdle",
      "DbPoolWaiting",
      "UploadBytes",
    ]) {
      expect(body).toContain(`["acme-dev/service","${name}","Service","acme-dev-service"`);
    }
    for (const stat of ["p50", "p90", "p99"]) expect(body).toContain(`{"stat":"${stat}","label":"${stat}"}`);
  });

  test("staging and prod alarm on their own namespace; the preview publishes no EMF and has no alarms", () => {
    for (const env of ["staging", "prod"]) {
      expect(serviceEnv(env).METRICS_NAMESPACE).toBe(`acme-${env}/service`);
      const names = resourcesOf(env, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name);
      expect(names).toContain(`acme-${env}-app-5xx-rate`);
    }
    expect(serviceEnv("preview-pr-123")).toMatchObject({ METRICS_EMF_INTERVAL_SECONDS: "0" });
    expect(serviceEnv("preview-pr-123").METRICS_NAMESPACE).toBeUndefined();
    expect(resourcesOf("preview-pr-123", "aws_cloudwatch_metric_alarm")).toEqual([]);
    expect(resourcesOf("preview-pr-123", "aws_cloudwatch_dashboard")).toEqual([]);
  });
});

describe("every workload role carries its workload permissions boundary", () => {
  const environmentStacks = ["dev", "staging", "prod"];
  const previewStack = "preview-pr-123";
  const boundaryArn = (env: string) => workloadBoundaryArn(env, project.state.accountId);
  const previewBoundaryArn = previewWorkloadBoundaryArn(project.state.accountId);
  const boundaryOf = (stack: string) => (stack === previewStack ? previewBoundaryArn : boundaryArn(stack));
  type Statement = { Effect: string; Action: string | string[] };
  const statementsOf = (document: unknown) =>
    [(JSON.parse(String(document)) as { Statement: Statement | Statement[] }).Statement].flat();
  const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());
  const boundaryPolicy = (arn: string) =>
    resourcesOf("bootstrap", "aws_iam_policy").find((p) => p.name === arn.split(":policy/")[1]);
  /** The actions `stack` grants its roles that `arn`'s boundary policy does not allow. */
  const deadGrants = (stacks: string[], arn: string) => {
    const allowed = new Set(
      actionsOf(statementsOf(boundaryPolicy(arn)?.policy).filter((s) => s.Effect === "Allow")),
    );
    const granted = stacks.flatMap((stack) =>
      resourcesOf(stack, "aws_iam_role_policy").flatMap((p) =>
        actionsOf(statementsOf(p.policy).filter((s) => s.Effect === "Allow")),
      ),
    );
    expect(granted.length).toBeGreaterThan(5);
    return [...new Set(granted)].filter((action) => !allowed.has(action));
  };

  test("the bootstrap stack creates every boundary policy the stacks name: one per environment and the preview one", () => {
    expect(boundaryArn("prod")).toBe(
      `arn:aws:iam::${project.state.accountId}:policy/${project.name}-bootstrap-prod-workload-boundary`,
    );
    expect(previewBoundaryArn).toBe(
      `arn:aws:iam::${project.state.accountId}:policy/${project.name}-bootstrap-preview-workload-boundary`,
    );
    for (const arn of [...environmentStacks.map(boundaryArn), previewBoundaryArn]) {
      const name = arn.split(":policy/")[1];
      expect(resourcesOf("bootstrap", "aws_iam_policy").filter((p) => p.name === name)).toHaveLength(1);
    }
  });

  test.each([...environmentStacks, previewStack])(
    "%s: every IAM role has its boundary (a preview's the preview boundary)",
    (stack) => {
      const roles = resourcesOf(stack, "aws_iam_role");
      // dev, staging and prod: flow logs, task, migration task and execution roles; a preview:
      // task, migration task and execution.
      expect(roles.length).toBe(stack === previewStack ? 3 : 4);
      for (const role of roles)
        expect({ role: role.name, boundary: role.permissions_boundary }).toEqual({
          role: role.name,
          boundary: boundaryOf(stack),
        });
    },
  );

  test("the preview role's cluster and load balancer are the host's, as dev synthesises them", () => {
    const host = loadEnvironment(project.previews.hostEnvironment);
    const { clusterName, loadBalancerName } = previewHostResources(environmentNaming(host));
    expect(resourcesOf(host.name, "aws_ecs_cluster").map((c) => c.name)).toEqual([clusterName]);
    expect(resourcesOf(host.name, "aws_lb").map((lb) => lb.name)).toEqual([loadBalancerName]);
    const manage = Object.values(stackJson("bootstrap").resource.aws_iam_role_policy ?? {}).find(
      (p) => p.name === "manage-previews",
    );
    expect(String(manage?.policy)).toContain(`:service/${clusterName}/`);
    expect(String(manage?.policy)).toContain(`:listener/app/${loadBalancerName}/`);
  });

  test("the preview boundary names the host's database as dev synthesises it, previews' own secrets and the preview repository", () => {
    const host = loadEnvironment(project.previews.hostEnvironment);
    const hostNaming = environmentNaming(host);
    const identifier = resourcesOf(host.name, "aws_db_instance")[0]?.identifier;
    expect(databaseArn(hostNaming)).toBe(
      `arn:aws:rds:${host.region}:${host.accountId}:db:${String(identifier)}`,
    );
    const text = String(boundaryPolicy(previewBoundaryArn)?.policy);
    expect(text).toContain(
      `"secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn":"${databaseArn(hostNaming)}"`,
    );
    expect(text).not.toContain(`:secret:${hostNaming.prefix}/`);
    expect(text).toContain(`:secret:${project.name}-pr-*`);
    // Previews' users sign in to the host's instance only, named by its configured resource id.
    expect(host.previews?.databaseResourceId).toMatch(/^db-/);
    expect(text).toContain(
      `"Action":"rds-db:connect","Resource":"arn:aws:rds-db:${host.region}:${host.accountId}:dbuser:${host.previews?.databaseResourceId}/pr_*"`,
    );
    // The repository is referenced from the bootstrap stack itself.
    const repository = Object.entries(stackJson("bootstrap").resource.aws_ecr_repository ?? {}).find(
      ([, r]) => `${r.name}` === previewRepository().repositoryArn.split("/").pop(),
    );
    expect(text).toContain(`\${aws_ecr_repository.${repository?.[0]}.arn}`);
  });

  test("the preview boundary allows every action a preview stack grants its roles (or the grant would be dead)", () => {
    expect(deadGrants([previewStack], previewBoundaryArn)).toEqual([]);
  });

  test("the bootstrap stack's own roles (the CI roles) have none", () => {
    const roles = resourcesOf("bootstrap", "aws_iam_role");
    expect(roles.length).toBeGreaterThan(0);
    for (const role of roles) expect(role.permissions_boundary).toBeUndefined();
  });

  test.each(environmentStacks)(
    "%s's boundary allows every action the stack grants its workload roles (or the grant would be dead)",
    (stack) => {
      expect(deadGrants([stack], boundaryArn(stack))).toEqual([]);
    },
  );

  test("an environment outside the state account is refused at synth, naming its field", () => {
    expect(() => workloadBoundaryArn("staging", "210987654321", "staging.accountId")).toThrow(
      /^staging\.accountId: 210987654321 is not the state account/,
    );
  });
});

describe("each container repository has exactly one writer", () => {
  type Statement = { Effect: string; Action: string | string[]; Resource: string | string[] };
  const list = (value: unknown) => [value].flat().map(String);
  const PUSH = ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"];
  /** IAM's action match: `*` any run of characters, `?` one, case-insensitive. */
  const matches = (pattern: string, action: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^$()|[\]\\{}]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    ).test(action);
  const stacks = ["bootstrap", "dev", "staging", "prod", "preview-pr-123"];
  /** `${aws_<type>.<id>.<attribute>}` → the resource's `field` in `stack`, or the text itself. */
  const resolve = (stack: string, text: string, field: string) => {
    const ref = /^\$\{(aws_[a-z0-9_]+)\.([\w-]+)\.\w+\}$/.exec(text);
    return ref ? String(stackJson(stack).resource[ref[1] as string]?.[ref[2] as string]?.[field]) : text;
  };
  /** Every identity policy of every stack, with the role names it applies to. */
  const identityPolicies = () =>
    stacks.flatMap((stack) => {
      const attachments = resourcesOf(stack, "aws_iam_role_policy_attachment");
      return [
        ...resourcesOf(stack, "aws_iam_role_policy").map((p) => ({
          stack,
          roles: [resolve(stack, String(p.role), "name")],
          document: p.policy,
        })),
        ...Object.entries(stackJson(stack).resource.aws_iam_policy ?? {}).map(([id, p]) => ({
          stack,
          roles: attachments
            .filter((a) => a.policy_arn === `\${aws_iam_policy.${id}.arn}`)
            .map((a) => resolve(stack, String(a.role), "name")),
          document: p.policy,
        })),
      ];
    });
  const repositoryName = (stack: string, resource: string) =>
    resolve(stack, resource, "name").replace(/^arn:aws:ecr:[^:]*:[^:]*:repository\//, "");

  test("the releasing environment's apply role pushes only to the release repository, the preview role only to the preview one, and nothing else pushes anywhere", () => {
    const pushers = identityPolicies().flatMap(({ stack, roles, document }) =>
      [(JSON.parse(String(document)) as { Statement: Statement | Statement[] }).Statement]
        .flat()
        .filter((s) => s.Effect === "Allow" && list(s.Action).some((a) => PUSH.some((p) => matches(a, p))))
        .flatMap((s) =>
          list(s.Resource).flatMap((resource) =>
            (roles.length ? roles : ["(not attached)"]).map((role) => ({
              role,
              repository: repositoryName(stack, resource),
            })),
          ),
        ),
    );
    pushers.sort((a, b) => a.role.localeCompare(b.role));
    expect(pushers).toEqual([
      {
        role: `${project.name}-bootstrap-ci-apply-${project.releases.pushEnvironment}`,
        repository: sharedRepository().repositoryArn.split("/")[1],
      },
      {
        role: `${project.name}-bootstrap-ci-preview`,
        repository: previewRepository().repositoryArn.split("/")[1],
      },
    ]);
  });

  test("the bootstrap stack creates both repositories, the preview one with shorter retention", () => {
    const names = resourcesOf("bootstrap", "aws_ecr_repository").map((r) => r.name);
    expect(names.sort()).toEqual(
      [sharedRepository(), previewRepository()].map((r) => r.repositoryArn.split("/")[1]).sort(),
    );
    const rules = resourcesOf("bootstrap", "aws_ecr_lifecycle_policy").map((p) =>
      (JSON.parse(String(p.policy)) as { rules: Array<{ selection: { countNumber: number } }> }).rules.map(
        (r) => r.selection.countNumber,
      ),
    );
    expect(rules).toContainEqual([1, 50]);
  });

  test("environments run and pull release images; previews run and pull preview images only", () => {
    for (const [stack, repository] of [
      ["dev", sharedRepository()],
      ["staging", sharedRepository()],
      ["prod", sharedRepository()],
      ["preview-pr-123", previewRepository()],
    ] as const) {
      const images = resourcesOf(stack, "aws_ecs_task_definition").map(
        (t) => (JSON.parse(String(t.container_definitions)) as Array<{ image: string }>)[0]?.image,
      );
      expect(images.length).toBeGreaterThan(0);
      for (const image of images) expect(image, stack).toMatch(new RegExp(`^${repository.repositoryUrl}:`));
      const pulled = resourcesOf(stack, "aws_iam_role_policy").flatMap((p) =>
        [(JSON.parse(String(p.policy)) as { Statement: Statement | Statement[] }).Statement]
          .flat()
          .filter((s) => list(s.Action).includes("ecr:BatchGetImage"))
          .flatMap((s) => list(s.Resource)),
      );
      expect([...new Set(pulled)], stack).toEqual([repository.repositoryArn]);
    }
  });

  test("the CI roles' inline policies, repository grants included, fit IAM's 10,240-character quota per role", () => {
    const roles = Object.entries(stackJson("bootstrap").resource.aws_iam_role ?? {}).filter(([, r]) =>
      String(r.name).includes("-ci-"),
    );
    // plan, preview, and one apply role per environment.
    expect(roles.length).toBe(5);
    for (const [id, role] of roles) {
      // IAM counts the document without whitespace; a reference resolves to an ARN of at most ~80.
      const size = resourcesOf("bootstrap", "aws_iam_role_policy")
        .filter((p) => String(p.role).startsWith(`\${aws_iam_role.${id}.`))
        .map((p) => JSON.stringify(JSON.parse(String(p.policy))))
        .join("")
        .replace(/\$\{[^}]+\}/g, "x".repeat(80)).length;
      expect(size, String(role.name)).toBeLessThan(10_240);
    }
  });
});

// ---- Guardrails (issue 4): the policy rules and the cost estimate over the plans made above. -----
// Imported here, not at the top, to keep this block self-contained.
describe("guardrails on the shipped stacks", () => {
  test("every shipped stack passes the policy rules with zero unsuppressed violations", async () => {
    const { checkPlanFile } = await import("./policy/check-plans.js");
    const results = plans.map((p) =>
      checkPlanFile(String(p.planJson), { stacksDir: join(outdir, "stacks") }),
    );
    expect(results.map((r) => r.stack)).toEqual(plans.map((p) => p.stack));
    const violations = results.flatMap((r) =>
      r.findings
        .filter((f) => f.status === "violation")
        .map((f) => `${f.stack}: ${f.rule} [${f.severity}] ${f.address}: ${f.message}`),
    );
    expect(violations).toEqual([]);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
  });

  test("every shipped stack costs a positive amount, and no priced resource is priced at $0", async () => {
    const { estimatePlanFile } = await import("./cost/estimate.js");
    for (const plan of plans) {
      const estimate = estimatePlanFile(String(plan.planJson));
      const zero = estimate.resources.filter((r) => r.status === "priced" && !(r.monthlyUsd > 0));
      expect({ stack: plan.stack, zero: zero.map((r) => r.address), warnings: estimate.warnings }).toEqual({
        stack: plan.stack,
        zero: [],
        warnings: [],
      });
      expect(estimate.monthlyUsd).toBeGreaterThan(0);
    }
  });

  // Pinned on purpose (issue 20): a change that raises what dev or a preview costs fails here, so the
  // new figure is written into this test and shows up in review. Lower is welcome: update the pins.
  // Targets: dev ≤ $60/month, a preview ≤ $0.25/day marginal; prod and staging ≥ 15 % below the
  // $552.71 and $177.01 of 2026-12-06 at the same capacity.
  test("the cost of dev, a preview, staging and prod is pinned, and within the targets", async () => {
    const { estimatePlanFile } = await import("./cost/estimate.js");
    const cost = (stack: string) => {
      const plan = plans.find((p) => p.stack === stack);
      const estimate = estimatePlanFile(String(plan?.planJson));
      return {
        monthly: Math.round(estimate.monthlyUsd * 100) / 100,
        perDay: estimate.perDayUsd === undefined ? undefined : Math.round(estimate.perDayUsd * 100) / 100,
        notPriced: estimate.resources
          .filter((r) => r.status === "not priced" || r.status === "partly priced")
          .map((r) => r.address),
      };
    };
    expect(cost("dev")).toEqual({ monthly: 59.41, perDay: undefined, notPriced: [] });
    expect(cost("preview-pr-123")).toEqual({ monthly: 7.02, perDay: 0.23, notPriced: [] });
    expect(cost("staging").monthly).toBe(140.8);
    expect(cost("prod").monthly).toBe(457.6);
    expect(cost("dev").monthly).toBeLessThanOrEqual(60);
    expect(cost("preview-pr-123").perDay).toBeLessThanOrEqual(0.25);
    expect(cost("staging").monthly).toBeLessThanOrEqual(177.01 * 0.85);
    expect(cost("prod").monthly).toBeLessThanOrEqual(552.71 * 0.85);
  });
});
