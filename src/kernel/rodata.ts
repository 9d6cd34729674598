// Sets `const volatile` globals of an object before it is loaded. libbpf keeps
// .rodata as a writable image until load; the object's BTF DATASEC tells where
// each variable sits in it, so no layout is copied by hand.
import { callPtr } from "./call.js";
import { KernelError } from "./errors.js";
import { copyFrom, copyTo, native, type Ptr } from "./ffi/libbpf.js";

export type RodataValue = boolean | number | bigint | Uint8Array;

const BTF_KIND_DATASEC = 15;

interface RodataVar {
  readonly offset: number;
  readonly size: number;
}

/** Variables of the object's .rodata section by name, with offset and size. */
function rodataVars(btf: Ptr): Map<string, RodataVar> {
  const vars = new Map<string, RodataVar>();
  const id = native.btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) as number;
  if (id < 0) return vars;
  const datasec = native.btf__type_by_id(btf, id) as Ptr;
  const count = copyFrom(datasec, 12).readUInt32LE(4) & 0xffff; // vlen, in btf_type.info
  const infos = copyFrom(datasec + 12n, count * 12); // struct btf_var_secinfo[vlen]
  for (let i = 0; i < count; i++) {
    const varType = copyFrom(native.btf__type_by_id(btf, infos.readUInt32LE(i * 12)) as Ptr, 4);
    const name = native.btf__name_by_offset(btf, varType.readUInt32LE(0)) as string;
    vars.set(name, {
      offset: infos.readUInt32LE(i * 12 + 4),
      size: infos.readUInt32LE(i * 12 + 8),
    });
  }
  return vars;
}

function encode(name: string, value: RodataValue, size: number): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.length !== size) throw rodataError(`${name} is ${size} bytes, got ${value.length}`);
    return value;
  }
  const n = typeof value === "boolean" ? (value ? 1n : 0n) : BigInt(value);
  if (size > 8) throw rodataError(`${name} is ${size} bytes; pass its bytes`);
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Number((BigInt.asUintN(64, n) >> BigInt(8 * i)) & 0xffn);
  return out;
}

function rodataError(what: string): KernelError {
  return new KernelError({ op: `set rodata: ${what}`, errno: 22 });
}

/** Writes `values` into the .rodata image of an opened, not yet loaded, object. */
export function setRodata(
  obj: Ptr,
  rodataMap: Ptr | undefined,
  values: Record<string, RodataValue>,
): void {
  const names = Object.keys(values);
  if (names.length === 0) return;
  if (rodataMap === undefined) throw rodataError("the object has no .rodata section");
  const btf = callPtr(
    "set rodata: read object BTF",
    () => native.bpf_object__btf(obj) as Ptr | null,
  );
  const vars = rodataVars(btf);
  const size = [0];
  const image = callPtr(
    "set rodata: map image",
    () => native.bpf_map__initial_value(rodataMap, size) as Ptr | null,
  );
  for (const name of names) {
    const v = vars.get(name);
    if (!v)
      throw rodataError(`no variable ${name} (have: ${[...vars.keys()].join(", ") || "none"})`);
    copyTo(image + BigInt(v.offset), encode(name, values[name] as RodataValue, v.size));
  }
}
