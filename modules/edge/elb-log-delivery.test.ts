import { TerraformOutput, TerraformVariable } from "cdktf";
import { describe, expect, test } from "vitest";
import { synthesise } from "../testing/synthesised.js";
import {
  ELB_LOG_DELIVERY_SERVICE,
  elbLogDeliveryPrincipal,
  elbLogDeliveryPrincipalsAtPlan,
} from "./elb-log-delivery.js";

describe("elbLogDeliveryPrincipal", () => {
  test("regions opened before August 2022 use their regional ELB account", () => {
    expect(elbLogDeliveryPrincipal("us-east-1")).toEqual({ AWS: "arn:aws:iam::127311923021:root" });
    expect(elbLogDeliveryPrincipal("eu-west-1")).toEqual({ AWS: "arn:aws:iam::156460612806:root" });
  });

  test("GovCloud and China accounts carry their partition", () => {
    expect(elbLogDeliveryPrincipal("us-gov-west-1")).toEqual({
      AWS: "arn:aws-us-gov:iam::048591011584:root",
    });
    expect(elbLogDeliveryPrincipal("cn-north-1")).toEqual({ AWS: "arn:aws-cn:iam::638102146993:root" });
  });

  test("newer regions use the log-delivery service principal", () => {
    for (const region of ["eu-central-2", "ap-south-2", "me-central-1", "il-central-1", "ca-west-1"]) {
      expect(elbLogDeliveryPrincipal(region)).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
    }
    expect(ELB_LOG_DELIVERY_SERVICE).toBe("logdelivery.elasticloadbalancing.amazonaws.com");
  });
});

describe("elbLogDeliveryPrincipalsAtPlan", () => {
  test("the regional account by lookup (the owner's own root elsewhere) and the service principal", () => {
    const json = synthesise((scope) => {
      const region = new TerraformVariable(scope, "region", { type: "string" }).stringValue;
      new TerraformOutput(scope, "principals", {
        value: elbLogDeliveryPrincipalsAtPlan(region, "123456789012"),
      });
    }).json as unknown as { output: { principals: { value: Array<Record<string, string>> } } };
    const [account, service] = json.output.principals.value;
    expect(account?.AWS).toMatch(/^\$\{lookup\(\{.*\}, var\.region, "arn:aws:iam::123456789012:root"\)\}$/);
    expect(account?.AWS).toContain('"ap-southeast-3" = "arn:aws:iam::589379963580:root"');
    expect(account?.AWS).toContain('"cn-north-1" = "arn:aws-cn:iam::638102146993:root"');
    expect(service).toEqual({ Service: ELB_LOG_DELIVERY_SERVICE });
  });
});
