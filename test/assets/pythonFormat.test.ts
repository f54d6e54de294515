import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { braceFormat, formatIndexTemplate, percentFormat } from "../../src/assets/pythonFormat.ts";
import { UnsupportedError, ValidationError } from "../../src/errors.ts";

// Expected strings are what CPython 3 prints for the same template and arguments.
describe("Python % formatting", () => {
  it("formats area-detector templates", () => {
    assert.equal(percentFormat("%s%s_%6.6d.tiff", ["/a/", "img", 5]), "/a/img_000005.tiff");
    assert.equal(percentFormat("%s%s_%3.3d.h5", ["/d/", "x", 1234]), "/d/x_1234.h5");
  });

  it("follows CPython for widths, precision, flags and conversions", () => {
    const cases: Array<[string, unknown[], string]> = [
      ["%06.3d", [5], "000005"],
      ["%-6d|", [5], "5     |"],
      ["%+d", [5], "+5"],
      ["% 5d", [-5], "   -5"],
      ["%5s|", ["ab"], "   ab|"],
      ["%.1s", ["ab"], "a"],
      ["%d", [3.7], "3"],
      ["%05d", [-42], "-0042"],
      ["%x %X %o", [255, 255, 8], "ff FF 10"],
      ["%%d%d", [1], "%d1"],
    ];
    for (const [template, args, expected] of cases)
      assert.equal(percentFormat(template, args), expected, template);
  });

  it("rejects argument mismatches and unsupported conversions", () => {
    assert.throws(() => percentFormat("%s%s", ["a"]), ValidationError);
    assert.throws(() => percentFormat("%s", ["a", "b"]), /not all arguments converted/);
    assert.throws(() => percentFormat("%d", ["x"]), /a number is required/);
    assert.throws(() => percentFormat("%e", [1]), UnsupportedError);
  });
});

describe("Python str.format", () => {
  it("follows CPython for the field forms templates use", () => {
    const cases: Array<[string, unknown[], string]> = [
      ["{:05d}", [7], "00007"],
      ["img_{:05d}.tif", [12], "img_00012.tif"],
      ["{0:>4}|{0:<4}|{0:^5}|", [7], "   7|7   |  7  |"],
      ["{:*^7d}", [42], "**42***"],
      ["{:+d}", [3], "+3"],
      ["{}", [3], "3"],
      ["{{x}}{}", [1], "{x}1"],
      ["{:07.2f}", [12.3456], "0012.35"],
      ["{:=6d}", [-3], "-    3"],
      ["{:x}", [255], "ff"],
      ["{:04}", [-3], "-003"],
    ];
    for (const [template, args, expected] of cases)
      assert.equal(braceFormat(template, args), expected, template);
  });

  it("rejects named fields and unbalanced braces", () => {
    assert.throws(() => braceFormat("{name}", [1]), UnsupportedError);
    assert.throws(() => braceFormat("{", [1]), ValidationError);
    assert.throws(() => braceFormat("}", [1]), ValidationError);
  });

  it("picks the style from the template", () => {
    assert.equal(formatIndexTemplate("img_{:05d}.tif", 3), "img_00003.tif");
    assert.equal(formatIndexTemplate("img_%05d.tif", 3), "img_00003.tif");
    assert.equal(formatIndexTemplate("{{literal}}_%d.tif", 3), "{{literal}}_3.tif");
  });
});
