// Codec for struct pw_file_key (bpf/include/pw_abi.h): a file is its
// superblock's device (kernel encoding) and its inode number.
export const FILE_KEY_LAYOUT = { ino: 0, dev: 8, pad: 12 } as const;
export const FILE_KEY_SIZE = 16;

export interface FileKey {
  readonly dev: number; // kernel dev_t: major << 20 | minor
  readonly ino: bigint;
}

export function encodeFileKey(key: FileKey): Buffer {
  const out = Buffer.alloc(FILE_KEY_SIZE);
  out.writeBigUInt64LE(key.ino, FILE_KEY_LAYOUT.ino);
  out.writeUInt32LE(key.dev, FILE_KEY_LAYOUT.dev);
  return out;
}
