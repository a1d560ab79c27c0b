import { describe, expect, test } from "vitest";
import { ELB_LOG_DELIVERY_SERVICE, elbLogDeliveryPrincipal } from "./elb-log-delivery.js";

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
