import { describe, expect, test } from "vitest";
import { cidrContains, cidrSubnet, cidrsOverlap, formatCidr, parseCidr } from "./cidr.js";

const cidr = (text: string) => {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
};

describe("parseCidr", () => {
  test.each(["10.0.0.0/16", "192.168.4.0/22", "0.0.0.0/0", "10.1.2.3/32"])("accepts %s", (text) => {
    expect(formatCidr(cidr(text))).toBe(text);
  });
  test.each(["10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "10.0.0.1/16", "10.0.0/16", " 10.0.0.0/16"])(
    "rejects %s",
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe("cidrSubnet matches Terraform's cidrsubnet()", () => {
  test.each([
    ["10.0.0.0/16", 4, 0, "10.0.0.0/20"],
    ["10.0.0.0/16", 4, 15, "10.0.240.0/20"],
    ["10.0.0.0/16", 8, 200, "10.0.200.0/24"],
    ["172.16.0.0/12", 4, 2, "172.18.0.0/16"],
  ])("cidrsubnet(%s, %i, %i) = %s", (parent, newbits, netnum, expected) => {
    expect(formatCidr(cidrSubnet(cidr(parent), newbits, netnum))).toBe(expected);
  });
  test("a netnum that does not fit is an error", () => {
    expect(() => cidrSubnet(cidr("10.0.0.0/16"), 2, 4)).toThrow("does not fit");
  });
});

test("containment and overlap", () => {
  expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.0.3.0/24"))).toBe(true);
  expect(cidrContains(cidr("10.0.0.0/16"), cidr("10.1.0.0/24"))).toBe(false);
  expect(cidrContains(cidr("10.0.0.0/24"), cidr("10.0.0.0/16"))).toBe(false);
  expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.255.0/24"))).toBe(true);
  expect(cidrsOverlap(cidr("10.0.0.0/24"), cidr("10.0.1.0/24"))).toBe(false);
});
