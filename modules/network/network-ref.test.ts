import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { describe, expect, test } from "vitest";
import { Database } from "../database/database.js";
import { synthesise, testNaming, testOutdir } from "../testing/synthesised.js";
import { PropError } from "../validation/prop-error.js";
import { Network } from "./network.js";
import type { NetworkAttributes } from "./network-ref.js";

const azs = ["us-east-1a", "us-east-1b"];
/** A network as another stack's outputs give it: literal ids. */
const published: NetworkAttributes = {
  vpcId: "vpc-0123456789abcdef0",
  availabilityZones: azs,
  subnetIds: { private: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] },
};

// A database placed in a Network of this stack (`owned`), and one placed in a reference built from
// that network's attributes (`referenced`).
const s = synthesise((scope) => {
  const network = new Network(scope, "network", {
    naming: testNaming,
    cidr: "10.20.0.0/16",
    availabilityZones: azs,
  });
  const ref = Network.fromAttributes(scope, "ref", {
    vpcId: network.vpcId,
    availabilityZones: network.availabilityZones,
    subnetIds: { database: network.subnetIds("database") },
  });
  for (const [id, where] of [
    ["owned", network],
    ["referenced", ref],
  ] as const) {
    new Database(scope, id, {
      naming: testNaming,
      purpose: id,
      vpcId: where.vpcId,
      subnetIds: where.subnetIds("database"),
    });
  }
});

describe("a referenced network places things exactly where its owner would", () => {
  const byPurpose = (type: string, purpose: string) =>
    s.list(type).find((r) => String(r.name).endsWith(`-${purpose}`)) as Record<string, unknown>;

  test("the same subnets", () => {
    const owned = byPurpose("aws_db_subnet_group", "owned");
    expect(owned.subnet_ids).toHaveLength(2);
    expect(byPurpose("aws_db_subnet_group", "referenced").subnet_ids).toEqual(owned.subnet_ids);
  });

  test("the same VPC", () => {
    const owned = byPurpose("aws_security_group", "owned");
    expect(String(owned.vpc_id)).toMatch(/^\$\{aws_vpc\./);
    expect(byPurpose("aws_security_group", "referenced").vpc_id).toBe(owned.vpc_id);
  });

  test("and it creates nothing of its own", () => {
    expect(s.addresses().filter((a) => a.includes(".ref_"))).toEqual([]);
  });
});

describe("a network of another stack, by its published ids", () => {
  const scope = () => new TerraformStack(Testing.app({ outdir: testOutdir() }), "network");
  const refused = (attributes: NetworkAttributes, tier: "private" | "database" = "private") => {
    try {
      Network.fromAttributes(scope(), "network", attributes).subnetIds(tier);
    } catch (error) {
      if (error instanceof PropError) return error.field;
      throw error;
    }
    return "accepted";
  };

  test("gives its subnets per tier, in zone order, and its VPC and zones", () => {
    const network = Network.fromAttributes(scope(), "network", published);
    expect(network.subnetIds("private")).toEqual(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]);
    expect([network.vpcId, network.availabilityZones]).toEqual(["vpc-0123456789abcdef0", azs]);
  });

  test("a list known only at apply (read from state) stands for all of a tier's subnets", () => {
    const stack = scope();
    const fromState = new TerraformVariable(stack, "private-subnet-ids", { type: "list(string)" }).listValue;
    const network = Network.fromAttributes(stack, "network", {
      ...published,
      subnetIds: { private: fromState },
    });
    expect(network.subnetIds("private")).toEqual(fromState);
  });

  test.each<[string, NetworkAttributes, "private" | "database", string]>([
    ["a tier that was not given", published, "database", "network.subnetIds.database"],
    [
      "one subnet for two zones",
      { ...published, subnetIds: { private: ["subnet-0aaaaaaaaaaaaaaaa"] } },
      "private",
      "network.subnetIds.private",
    ],
    [
      "a subnet twice",
      { ...published, subnetIds: { private: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0aaaaaaaaaaaaaaaa"] } },
      "private",
      "network.subnetIds.private",
    ],
    ["no zones", { ...published, availabilityZones: [] }, "private", "network.availabilityZones"],
    ["a VPC name instead of its id", { ...published, vpcId: "acme-dev-vpc" }, "private", "network.vpcId"],
  ])("%s is refused, naming the field", (_, attributes, tier, field) => {
    expect(refused(attributes, tier)).toBe(field);
  });
});
