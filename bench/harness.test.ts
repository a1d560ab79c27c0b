import { describe, expect, it } from "vitest";
import { alternate, median, ratio, slope, spread } from "./harness.js";

describe("median", () => {
  it("is the middle sample of an odd count, whatever the order", () => {
    expect(median([3, 1, 2])).toBe(2);
  });

  it("is the mean of the two middle samples of an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("refuses no samples", () => {
    expect(() => median([])).toThrow("no samples");
  });
});

describe("spread", () => {
  it("gives the range and the range relative to the median", () => {
    expect(spread([9, 10, 11])).toEqual({ min: 9, max: 11, relative: 0.2 });
  });

  it("is zero for a single sample", () => {
    expect(spread([5])).toEqual({ min: 5, max: 5, relative: 0 });
  });
});

describe("ratio", () => {
  it("is subject over baseline", () => {
    expect(ratio(3, 12)).toBe(0.25);
  });

  it("is 1 when both are zero and infinite when only the baseline is", () => {
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("slope", () => {
  it("is the least-squares growth per unit of x", () => {
    expect(
      slope([
        [0, 1000],
        [5, 1150],
        [20, 1600],
        [50, 2500],
      ]),
    ).toBeCloseTo(30, 6);
  });

  it("needs two distinct x values", () => {
    expect(() => slope([[1, 2]])).toThrow();
    expect(() =>
      slope([
        [1, 2],
        [1, 3],
      ]),
    ).toThrow();
  });
});

describe("alternate", () => {
  it("rotates the order every round and records nothing during warm-up", async () => {
    const order: string[] = [];
    const contender = (name: string) => ({
      name,
      run: async ({ warmup }: { warmup: boolean }) => {
        order.push(`${warmup ? "w" : ""}${name}`);
        return name;
      },
    });
    const results = await alternate([contender("a"), contender("b")], {
      rounds: 3,
      warmup: 1,
      log: () => {},
    });
    expect(order).toEqual(["wa", "wb", "b", "a", "a", "b", "b", "a"]);
    expect(results.get("a")).toHaveLength(3);
    expect(results.get("b")).toHaveLength(3);
  });
});

describe("the service runs in the bench as the image runs it", () => {
  it("gets the runtime stage's ENV, including glibc's fixed mmap threshold (upload RSS)", async () => {
    const { imageEnvironment } = await import("./service-stack.js");
    expect(imageEnvironment()).toEqual({ NODE_ENV: "production", MALLOC_MMAP_THRESHOLD_: "131072" });
  });
});
