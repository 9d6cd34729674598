// The one door to native code. Everything that calls libbpf (or the few libc
// functions the binding needs) goes through the declarations below; no other
// module imports koffi. Pointers are bigints (koffi 3); 0n is NULL.
import koffi from "koffi";

export type Ptr = bigint;

const libbpf = koffi.load("libbpf.so.1");
const libc = koffi.load("libc.so.6");

// Opaque handles: declared so that signatures read like the C headers.
for (const name of ["bpf_object", "bpf_program", "bpf_map", "bpf_link", "ring_buffer", "btf"]) {
  koffi.opaque(name);
}

const SampleFn = koffi.proto("int ring_buffer_sample_fn(void *ctx, void *data, size_t size)");
const PrintFn = koffi.proto("int libbpf_print_fn(int level, const char *fmt, void *args)");

type NativeLib = ReturnType<typeof koffi.load>;
type NativeFn = ReturnType<NativeLib["func"]>;

function fn(lib: NativeLib, decl: string): NativeFn {
  return lib.func(decl);
}

/** Raw libbpf and libc entry points, typed as libbpf.h/bpf.h declare them. */
export const native = {
  // library
  libbpf_version_string: fn(libbpf, "const char *libbpf_version_string(void)"),
  libbpf_set_print: fn(libbpf, "void *libbpf_set_print(libbpf_print_fn *fn)"),
  libbpf_strerror: fn(libbpf, "int libbpf_strerror(int err, _Out_ uint8_t *buf, size_t size)"),
  libbpf_num_possible_cpus: fn(libbpf, "int libbpf_num_possible_cpus(void)"),
  libbpf_probe_bpf_prog_type: fn(libbpf, "int libbpf_probe_bpf_prog_type(int type, void *opts)"),

  // objects and programs
  bpf_object__open_file: fn(libbpf, "void *bpf_object__open_file(const char *path, void *opts)"),
  bpf_object__load: fn(libbpf, "int bpf_object__load(void *obj)"),
  bpf_object__close: fn(libbpf, "void bpf_object__close(void *obj)"),
  bpf_object__btf: fn(libbpf, "void *bpf_object__btf(void *obj)"),
  bpf_object__next_program: fn(libbpf, "void *bpf_object__next_program(void *obj, void *prev)"),
  bpf_object__next_map: fn(libbpf, "void *bpf_object__next_map(void *obj, void *prev)"),
  bpf_program__name: fn(libbpf, "const char *bpf_program__name(void *prog)"),
  bpf_program__section_name: fn(libbpf, "const char *bpf_program__section_name(void *prog)"),
  bpf_program__fd: fn(libbpf, "int bpf_program__fd(void *prog)"),
  bpf_program__set_autoload: fn(libbpf, "int bpf_program__set_autoload(void *prog, bool on)"),
  bpf_program__autoload: fn(libbpf, "bool bpf_program__autoload(void *prog)"),
  bpf_program__set_log_buf: fn(
    libbpf,
    "int bpf_program__set_log_buf(void *prog, uint8_t *buf, size_t size)",
  ),
  bpf_program__attach: fn(libbpf, "void *bpf_program__attach(void *prog)"),
  bpf_program__attach_lsm: fn(libbpf, "void *bpf_program__attach_lsm(void *prog)"),
  bpf_program__attach_cgroup: fn(
    libbpf,
    "void *bpf_program__attach_cgroup(void *prog, int cgroup_fd)",
  ),
  bpf_program__pin: fn(libbpf, "int bpf_program__pin(void *prog, const char *path)"),
  bpf_program__unpin: fn(libbpf, "int bpf_program__unpin(void *prog, const char *path)"),

  // maps owned by an object
  bpf_map__name: fn(libbpf, "const char *bpf_map__name(void *map)"),
  bpf_map__fd: fn(libbpf, "int bpf_map__fd(void *map)"),
  bpf_map__type: fn(libbpf, "int bpf_map__type(void *map)"),
  bpf_map__key_size: fn(libbpf, "uint32_t bpf_map__key_size(void *map)"),
  bpf_map__value_size: fn(libbpf, "uint32_t bpf_map__value_size(void *map)"),
  bpf_map__max_entries: fn(libbpf, "uint32_t bpf_map__max_entries(void *map)"),
  bpf_map__is_internal: fn(libbpf, "bool bpf_map__is_internal(void *map)"),
  bpf_map__initial_value: fn(libbpf, "void *bpf_map__initial_value(void *map, _Out_ size_t *size)"),
  bpf_map__set_max_entries: fn(libbpf, "int bpf_map__set_max_entries(void *map, uint32_t n)"),
  bpf_map__reuse_fd: fn(libbpf, "int bpf_map__reuse_fd(void *map, int fd)"),

  // BTF of an object (to find .rodata variables)
  btf__find_by_name_kind: fn(
    libbpf,
    "int btf__find_by_name_kind(void *btf, const char *name, uint32_t kind)",
  ),
  btf__type_by_id: fn(libbpf, "void *btf__type_by_id(void *btf, uint32_t id)"),
  btf__name_by_offset: fn(libbpf, "const char *btf__name_by_offset(void *btf, uint32_t offset)"),

  // maps by fd (bpf.h)
  bpf_map_create: fn(
    libbpf,
    "int bpf_map_create(int type, const char *name, uint32_t key_size, uint32_t value_size, uint32_t max_entries, void *opts)",
  ),
  bpf_map_lookup_elem: fn(
    libbpf,
    "int bpf_map_lookup_elem(int fd, uint8_t *key, _Out_ uint8_t *value)",
  ),
  bpf_map_update_elem: fn(
    libbpf,
    "int bpf_map_update_elem(int fd, uint8_t *key, uint8_t *value, uint64_t flags)",
  ),
  bpf_map_delete_elem: fn(libbpf, "int bpf_map_delete_elem(int fd, uint8_t *key)"),
  bpf_map_get_next_key: fn(
    libbpf,
    "int bpf_map_get_next_key(int fd, uint8_t *key, _Out_ uint8_t *next)",
  ),
  bpf_map_update_batch: fn(
    libbpf,
    "int bpf_map_update_batch(int fd, uint8_t *keys, uint8_t *values, _Inout_ uint32_t *count, uint8_t *opts)",
  ),
  bpf_map_freeze: fn(libbpf, "int bpf_map_freeze(int fd)"),
  bpf_obj_pin: fn(libbpf, "int bpf_obj_pin(int fd, const char *path)"),
  bpf_obj_get: fn(libbpf, "int bpf_obj_get(const char *path)"),
  bpf_prog_get_fd_by_id: fn(libbpf, "int bpf_prog_get_fd_by_id(uint32_t id)"),
  bpf_enable_stats: fn(libbpf, "int bpf_enable_stats(int type)"),
  bpf_obj_get_info_by_fd: fn(
    libbpf,
    "int bpf_obj_get_info_by_fd(int fd, _Inout_ uint8_t *info, _Inout_ uint32_t *len)",
  ),

  // links
  bpf_link__open: fn(libbpf, "void *bpf_link__open(const char *path)"),
  bpf_link__fd: fn(libbpf, "int bpf_link__fd(void *link)"),
  bpf_link__pin: fn(libbpf, "int bpf_link__pin(void *link, const char *path)"),
  bpf_link__unpin: fn(libbpf, "int bpf_link__unpin(void *link)"),
  bpf_link__disconnect: fn(libbpf, "void bpf_link__disconnect(void *link)"),
  bpf_link__detach: fn(libbpf, "int bpf_link__detach(void *link)"),
  bpf_link__destroy: fn(libbpf, "int bpf_link__destroy(void *link)"),

  // ring buffers
  ring_buffer__new: fn(
    libbpf,
    "void *ring_buffer__new(int map_fd, ring_buffer_sample_fn *cb, void *ctx, void *opts)",
  ),
  ring_buffer__consume: fn(libbpf, "int ring_buffer__consume(void *rb)"),
  ring_buffer__epoll_fd: fn(libbpf, "int ring_buffer__epoll_fd(void *rb)"),
  ring_buffer__free: fn(libbpf, "void ring_buffer__free(void *rb)"),

  // libc
  vsnprintf: fn(
    libc,
    "int vsnprintf(_Out_ uint8_t *buf, size_t size, const char *fmt, void *args)",
  ),
  epoll_wait: fn(libc, "int epoll_wait(int epfd, _Out_ uint8_t *events, int max, int timeout)"),
  open: fn(libc, "int open(const char *path, int flags)"),
  close: fn(libc, "int close(int fd)"),
};

/** The errno of the last native call on this thread. */
export function lastErrno(): number {
  return koffi.errno();
}

/** Copies `size` bytes at a native address into a fresh Buffer. */
export function copyFrom(address: Ptr, size: number): Buffer {
  if (size === 0) return Buffer.alloc(0);
  return Buffer.from(koffi.view(address, size).slice(0));
}

/** Reads a NUL-terminated string at a native address. */
export function readCString(address: Ptr): string {
  return koffi.decode(address, "const char *") as string;
}

export type SampleCallback = (data: Ptr, size: number) => number;

/** Registers a ring buffer sample callback; returns its native address and a release function. */
export function registerSampleCallback(cb: SampleCallback): { address: Ptr; release: () => void } {
  const handle = koffi.register(
    (_ctx: bigint, data: bigint, size: number | bigint) => cb(data, Number(size)),
    koffi.pointer(SampleFn),
  );
  return { address: handle, release: () => koffi.unregister(handle) };
}

export type PrintSink = (level: number, message: string) => void;

/**
 * Routes libbpf's log output to `sink`. libbpf passes a printf format and a
 * va_list; on x86-64 a va_list argument is a pointer, so libc's vsnprintf can
 * format it while libbpf's call is still on the stack.
 */
export function setPrintSink(sink: PrintSink): void {
  const buf = Buffer.alloc(8192);
  const handle = koffi.register((level: number, fmt: string, args: bigint) => {
    const n = native.vsnprintf(buf, buf.length, fmt, args) as number;
    sink(level, buf.subarray(0, Math.max(0, Math.min(n, buf.length - 1))).toString("utf8"));
    return 0;
  }, koffi.pointer(PrintFn));
  native.libbpf_set_print(handle);
}

/** Copies bytes into native memory at `address` (e.g. an object's .rodata image before load). */
export function copyTo(address: Ptr, bytes: Uint8Array): void {
  new Uint8Array(koffi.view(address, bytes.length)).set(bytes);
}
