import assert from "node:assert/strict";
import { test } from "node:test";
import { isVmError } from "./errors.js";
import {
  collectModules,
  loadOrder,
  moduleNameFromPath,
  parseDependsField,
  parseModulesBuiltin,
  parseModulesDep,
} from "./modules.js";

test("module names drop directories and compression suffixes and normalize dashes", () => {
  assert.equal(moduleNameFromPath("kernel/drivers/gpu/drm/virtio/virtio-gpu.ko.xz"), "virtio_gpu");
  assert.equal(moduleNameFromPath("kernel/fs/9p/9p.ko"), "9p");
  assert.equal(moduleNameFromPath("x/overlay.ko.zst"), "overlay");
});

test("parsers read modules.builtin, modules.dep and modinfo's depends", () => {
  assert.deepEqual(
    [...parseModulesBuiltin("kernel/fs/ext4/ext4.ko\nkernel/lib/crc-t10dif.ko\n")],
    ["ext4", "crc_t10dif"],
  );
  const dep = parseModulesDep(
    "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/netfs/netfs.ko\nkernel/net/9p/9pnet.ko:\n",
  );
  assert.deepEqual(dep.get("9p"), ["9pnet", "netfs"]);
  assert.deepEqual(dep.get("9pnet"), []);
  assert.deepEqual(parseDependsField("9pnet,fscache,netfs\n"), ["9pnet", "fscache", "netfs"]);
  assert.deepEqual(parseDependsField("\n"), []);
});

// The shape of Debian 6.1's graph for what the VM needs.
const DEBIAN_DEPS: Record<string, string[]> = {
  virtio_pci: ["virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev", "virtio"],
  virtio: ["virtio_ring"],
  virtio_ring: [],
  virtio_pci_modern_dev: [],
  virtio_pci_legacy_dev: [],
  "9pnet_virtio": ["virtio", "9pnet", "virtio_ring"],
  "9pnet": [],
  "9p": ["9pnet", "fscache", "netfs"],
  fscache: ["netfs"],
  netfs: [],
  overlay: [],
};
const readDeps = (name: string): Promise<string[]> => Promise.resolve(DEBIAN_DEPS[name] ?? []);
const REQUIRED = ["virtio_pci", "9pnet_virtio", "9p", "overlay"];

test("load order puts every dependency before its dependents", async () => {
  const graph = await collectModules(
    REQUIRED,
    new Set(),
    new Set(Object.keys(DEBIAN_DEPS)),
    readDeps,
  );
  const order = loadOrder(graph, REQUIRED);
  assert.equal(order.length, Object.keys(DEBIAN_DEPS).length);
  for (const [mod, deps] of Object.entries(DEBIAN_DEPS)) {
    for (const d of deps)
      assert.ok(order.indexOf(d) < order.indexOf(mod), `${d} before ${mod} in ${order.join(",")}`);
  }
});

test("built-in modules are neither loaded nor required on disk", async () => {
  const builtin = new Set([
    "virtio",
    "virtio_ring",
    "virtio_pci",
    "virtio_pci_modern_dev",
    "virtio_pci_legacy_dev",
    "overlay",
  ]);
  const available = new Set(["9pnet_virtio", "9pnet", "9p", "fscache", "netfs"]);
  const order = loadOrder(await collectModules(REQUIRED, builtin, available, readDeps), REQUIRED);
  assert.deepEqual(order, ["9pnet", "9pnet_virtio", "netfs", "fscache", "9p"]);
});

test("a missing module is named with who needs it", async () => {
  const available = new Set(Object.keys(DEBIAN_DEPS).filter((m) => m !== "fscache"));
  await assert.rejects(
    collectModules(REQUIRED, new Set(), available, readDeps),
    (e: unknown) =>
      isVmError(e) &&
      e.kind === "module-missing" &&
      /module fscache \(needed by 9p\)/.test(e.message),
  );
});

test("a dependency cycle is reported, not looped on", async () => {
  const cyc: Record<string, string[]> = { a: ["b"], b: ["a"] };
  const graph = await collectModules(["a"], new Set(), new Set(["a", "b"]), (n) =>
    Promise.resolve(cyc[n] ?? []),
  );
  assert.throws(() => loadOrder(graph, ["a"]), /dependency cycle a -> b -> a/);
});
