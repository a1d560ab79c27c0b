import { TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { Database } from "../database/database.js";
import { Network } from "../network/network.js";
import { synthesise, testNaming } from "../testing/synthesised.js";
import { assertLogGroupClass, LOG_GROUP_CLASSES } from "./log-group-class.js";

describe("assertLogGroupClass", () => {
  test("accepts the two classes, and a Terraform reference it cannot judge", () => {
    for (const value of LOG_GROUP_CLASSES)
      expect(() => assertLogGroupClass(value, "x.logGroupClass")).not.toThrow();
    synthesise((scope) => {
      const variable = new TerraformVariable(scope, "class", { type: "string" });
      expect(() => assertLogGroupClass(variable.stringValue, "x.logGroupClass")).not.toThrow();
    });
  });

  test("refuses anything else, naming the field and the classes", () => {
    expect(() => assertLogGroupClass("INFREQUENT", "network.flowLogs.logGroupClass")).toThrow(
      'network.flowLogs.logGroupClass: "INFREQUENT" must be one of "STANDARD", "INFREQUENT_ACCESS"',
    );
    expect(() => assertLogGroupClass("DELIVERY", "x")).toThrow(/must be one of/);
  });

  test("refuses Infrequent Access for a log group a metric or subscription filter reads", () => {
    expect(() =>
      assertLogGroupClass("INFREQUENT_ACCESS", "service.logGroupClass", { metricFilter: true }),
    ).toThrow('service.logGroupClass: "INFREQUENT_ACCESS" cannot serve a metric filter');
    expect(() =>
      assertLogGroupClass("INFREQUENT_ACCESS", "x", { metricFilter: true, subscriptionFilter: true }),
    ).toThrow(/a metric filter and a subscription filter .*keep it "STANDARD"/);
    expect(() => assertLogGroupClass("STANDARD", "x", { metricFilter: true })).not.toThrow();
    expect(() => assertLogGroupClass("INFREQUENT_ACCESS", "x", { metricFilter: false })).not.toThrow();
  });
});

const azs = ["us-east-1a", "us-east-1b"];
const logGroups = (
  flowLogClass?: "STANDARD" | "INFREQUENT_ACCESS",
  dbClass?: "STANDARD" | "INFREQUENT_ACCESS",
) =>
  synthesise((scope) => {
    new Network(scope, "net", {
      naming: testNaming,
      cidr: "10.0.0.0/16",
      availabilityZones: azs,
      natMode: "none",
      flowLogs: { retentionDays: 14, ...(flowLogClass ? { logGroupClass: flowLogClass } : {}) },
    });
    new Database(scope, "db", {
      naming: testNaming,
      vpcId: "vpc-1",
      subnetIds: ["subnet-a", "subnet-b"],
      ...(dbClass ? { logGroupClass: dbClass } : {}),
    });
  }).list("aws_cloudwatch_log_group");

describe("the log class of the flow logs and the database's logs", () => {
  test("not given: left to CloudWatch's default (Standard), so existing log groups plan no change", () => {
    for (const group of logGroups()) expect(group).not.toHaveProperty("log_group_class");
  });

  test("given: set on the flow-log group and both database log groups", () => {
    const groups = logGroups("INFREQUENT_ACCESS", "INFREQUENT_ACCESS");
    const byName = (list: typeof groups) =>
      Object.fromEntries(list.map((g) => [String(g.name).replace(/acme-test-/, ""), g.log_group_class]));
    expect(byName(groups)).toEqual({
      "/vpc/flow-logs": "INFREQUENT_ACCESS",
      "/aws/rds/instance/db/postgresql": "INFREQUENT_ACCESS",
      "/aws/rds/instance/db/upgrade": "INFREQUENT_ACCESS",
    });
    expect(byName(logGroups("STANDARD", "INFREQUENT_ACCESS"))).toEqual({
      "/vpc/flow-logs": "STANDARD",
      "/aws/rds/instance/db/postgresql": "INFREQUENT_ACCESS",
      "/aws/rds/instance/db/upgrade": "INFREQUENT_ACCESS",
    });
  });

  test("a class CloudWatch does not have is refused at synth, naming the prop", () => {
    expect(() => logGroups("COLD" as "STANDARD")).toThrow("network.flowLogs.logGroupClass:");
    expect(() => logGroups(undefined, "COLD" as "STANDARD")).toThrow("database.logGroupClass:");
  });
});
