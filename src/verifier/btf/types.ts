// The BTF type graph as a discriminated union keyed on `kind`. Ids index
// Btf.types; id 0 is void. Offsets in members are in bits, as in BTF.

export type Linkage = "static" | "global" | "extern";

export interface BtfMember {
  /** "" for an anonymous struct/union member. */
  readonly name: string;
  readonly type: number;
  readonly bitOffset: number;
  /** 0 unless the member is a bitfield. */
  readonly bitfieldSize: number;
}

export interface BtfParam {
  /** "" when unnamed; a trailing { name: "", type: 0 } marks a variadic prototype. */
  readonly name: string;
  readonly type: number;
}

export interface BtfEnumValue<V> {
  readonly name: string;
  readonly value: V;
}

export interface BtfVarSecinfo {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

interface Named {
  readonly id: number;
  /** "" for anonymous types. */
  readonly name: string;
}

export type BtfVoid = Named & { readonly kind: "void" };
export type BtfInt = Named & {
  readonly kind: "int";
  readonly size: number;
  readonly signed: boolean;
  readonly char: boolean;
  readonly bool: boolean;
  readonly bitOffset: number;
  readonly bits: number;
};
export type BtfPtr = Named & { readonly kind: "ptr"; readonly type: number };
export type BtfArray = Named & {
  readonly kind: "array";
  readonly type: number;
  readonly indexType: number;
  readonly nelems: number;
};
export type BtfStruct = Named & {
  readonly kind: "struct";
  readonly size: number;
  readonly members: readonly BtfMember[];
};
export type BtfUnion = Named & {
  readonly kind: "union";
  readonly size: number;
  readonly members: readonly BtfMember[];
};
export type BtfEnum = Named & {
  readonly kind: "enum";
  readonly size: number;
  readonly signed: boolean;
  readonly values: readonly BtfEnumValue<number>[];
};
export type BtfEnum64 = Named & {
  readonly kind: "enum64";
  readonly size: number;
  readonly signed: boolean;
  readonly values: readonly BtfEnumValue<bigint>[];
};
export type BtfFwd = Named & { readonly kind: "fwd"; readonly fwdKind: "struct" | "union" };
export type BtfTypedef = Named & { readonly kind: "typedef"; readonly type: number };
export type BtfVolatile = Named & { readonly kind: "volatile"; readonly type: number };
export type BtfConst = Named & { readonly kind: "const"; readonly type: number };
export type BtfRestrict = Named & { readonly kind: "restrict"; readonly type: number };
export type BtfFunc = Named & {
  readonly kind: "func";
  readonly type: number;
  readonly linkage: Linkage;
};
export type BtfFuncProto = Named & {
  readonly kind: "func_proto";
  readonly returnType: number;
  readonly params: readonly BtfParam[];
};
export type BtfVar = Named & {
  readonly kind: "var";
  readonly type: number;
  readonly linkage: Linkage;
};
export type BtfDatasec = Named & {
  readonly kind: "datasec";
  readonly size: number;
  readonly vars: readonly BtfVarSecinfo[];
};
export type BtfFloat = Named & { readonly kind: "float"; readonly size: number };
/** componentIdx is -1 when the tag applies to the type itself, else a member/param index. */
export type BtfDeclTag = Named & {
  readonly kind: "decl_tag";
  readonly type: number;
  readonly componentIdx: number;
};
export type BtfTypeTag = Named & { readonly kind: "type_tag"; readonly type: number };

export type BtfType =
  | BtfVoid
  | BtfInt
  | BtfPtr
  | BtfArray
  | BtfStruct
  | BtfUnion
  | BtfEnum
  | BtfEnum64
  | BtfFwd
  | BtfTypedef
  | BtfVolatile
  | BtfConst
  | BtfRestrict
  | BtfFunc
  | BtfFuncProto
  | BtfVar
  | BtfDatasec
  | BtfFloat
  | BtfDeclTag
  | BtfTypeTag;

export type BtfKind = BtfType["kind"];

/** Kinds that only qualify or rename another type. */
export type BtfModifier = BtfTypedef | BtfVolatile | BtfConst | BtfRestrict | BtfTypeTag;

export function isModifier(t: BtfType): t is BtfModifier {
  return (
    t.kind === "typedef" ||
    t.kind === "volatile" ||
    t.kind === "const" ||
    t.kind === "restrict" ||
    t.kind === "type_tag"
  );
}

/** The BTF_KIND_* numbers, in the kernel's order. */
export const KIND_BY_NUMBER: readonly (BtfKind | undefined)[] = [
  "void",
  "int",
  "ptr",
  "array",
  "struct",
  "union",
  "enum",
  "fwd",
  "typedef",
  "volatile",
  "const",
  "restrict",
  "func",
  "func_proto",
  "var",
  "datasec",
  "float",
  "decl_tag",
  "type_tag",
  "enum64",
];
