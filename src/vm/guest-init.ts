// The guest's userspace: two busybox shell scripts and the per-run job script.
// Stage 1 (/init in the initramfs) loads modules, builds an overlay root over the
// host's root filesystem (9p, read-only) and switches into it; stage 2 runs as
// PID 1 in that root, runs the job and powers off. Each step is echoed to the
// serial console so the host can say which one failed.

/** 9p mount tags shared between the qemu command line and the init script. */
export const ROOT_TAG = "pwroot";
export const JOB_TAG = "pwjob";
/** Where stage 2, its busybox and the job directory live inside the guest. */
export const GUEST_DIR = "/run/proofwall-vm";
export const GUEST_JOB_DIR = `${GUEST_DIR}/job`;
/** The host's root as it is, read-only: what the guest's own tmpfs mounts hide. */
export const GUEST_HOST_DIR = `${GUEST_DIR}/host`;
/** Prefix of the progress lines on the console; `failed:` marks the failing step. */
export const STEP_PREFIX = "proofwall-init:";

/** Files in the job directory (host side), written by the guest unless noted. */
export const JOB_FILES = {
  script: "job.sh", // written by the host
  started: "started",
  stdout: "stdout",
  stderr: "stderr",
  status: "status",
  dmesg: "dmesg",
} as const;

const P9_OPTS = "trans=virtio,version=9p2000.L,msize=512000";

export function stage1Script(): string {
  return `#!/bin/busybox sh
B=/bin/busybox
R=/newroot
step() { echo "${STEP_PREFIX} $1"; }
fail() { echo "${STEP_PREFIX} failed: $1"; $B poweroff -f; while :; do $B sleep 1; done; }
$B mount -t proc proc /proc || fail "mount /proc"
$B mount -t sysfs sysfs /sys || fail "mount /sys"
$B mount -t devtmpfs devtmpfs /dev || fail "mount /dev"
step "load modules"
while read m; do $B insmod /lib/modules/$m.ko || fail "insmod $m"; done < /lib/modules/order
step "mount root"
$B mount -t 9p -o ${P9_OPTS},cache=loose,ro ${ROOT_TAG} /lower || fail "mount host root over 9p"
$B mount -t tmpfs -o mode=0755 tmpfs /rw || fail "mount overlay tmpfs"
$B mkdir -p /rw/upper /rw/work
$B mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R || fail "mount overlay root"
step "mount filesystems"
for d in proc sys dev; do $B mount --move /$d $R/$d || fail "move /$d"; done
$B mount -t securityfs securityfs $R/sys/kernel/security || fail "mount securityfs"
$B mount -t bpf bpf $R/sys/fs/bpf || fail "mount bpffs"
$B mount -t cgroup2 cgroup2 $R/sys/fs/cgroup || fail "mount cgroup2"
$B mount -t debugfs debugfs $R/sys/kernel/debug
$B mount -t tracefs tracefs $R/sys/kernel/tracing
$B mkdir -p $R/dev/pts $R/dev/shm
$B mount -t devpts devpts $R/dev/pts
$B mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
$B mount -t tmpfs -o mode=1777 tmpfs $R/tmp || fail "mount /tmp"
$B mount -t tmpfs -o mode=0755 tmpfs $R/run || fail "mount /run"
$B mkdir -p $R${GUEST_JOB_DIR} $R${GUEST_HOST_DIR}
$B mount --bind /lower $R${GUEST_HOST_DIR} || fail "bind host root view"
$B mount -t 9p -o ${P9_OPTS} ${JOB_TAG} $R${GUEST_JOB_DIR} || fail "mount job directory over 9p"
$B cp $B /stage2 $R${GUEST_DIR}/ || fail "copy stage 2"
$B ip link set lo up || fail "bring up loopback"
step "switch root"
exec $B switch_root $R ${GUEST_DIR}/busybox sh ${GUEST_DIR}/stage2
fail "switch_root"
`;
}

export function stage2Script(): string {
  const j = GUEST_JOB_DIR;
  return `B=${GUEST_DIR}/busybox
: > ${j}/${JOB_FILES.started}
$B sh ${j}/${JOB_FILES.script} < /dev/null > ${j}/${JOB_FILES.stdout} 2> ${j}/${JOB_FILES.stderr}
rc=$?
$B dmesg > ${j}/${JOB_FILES.dmesg}
echo $rc > ${j}/${JOB_FILES.status}.tmp && $B mv ${j}/${JOB_FILES.status}.tmp ${j}/${JOB_FILES.status}
$B poweroff -f
`;
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface Job {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The guest mounts a fresh tmpfs on /tmp, which hides a caller working under the
 * host's /tmp (CI clones there). Re-expose the top directory below /tmp that
 * holds the cwd, read-only from the host, so the checkout and its siblings
 * (../shared) are visible at the same paths.
 */
export function exposeHostTmp(cwd: string): string[] {
  const top = /^\/tmp\/[^/]+/.exec(cwd)?.[0];
  if (top === undefined) return [];
  const q = shellQuote(top);
  return [
    `${GUEST_DIR}/busybox mkdir -p ${q} && ${GUEST_DIR}/busybox mount --bind ${shellQuote(GUEST_HOST_DIR + top)} ${q}`,
  ];
}

/** The script stage 2 runs: enter the caller's cwd, then exec argv with exactly `env`. */
export function jobScript(job: Job): string {
  if (job.argv.length === 0) throw new Error("vm job: argv is empty");
  const cwd = shellQuote(job.cwd);
  const vars = Object.entries(job.env).map(([k, v]) => shellQuote(`${k}=${v}`));
  // busybox env has no "--": an argv[0] with "=" would be read as a variable, so hop through sh.
  const first = job.argv[0] ?? "";
  const argv = (
    first.includes("=") ? [`${GUEST_DIR}/busybox`, "sh", "-c", 'exec "$@"', "sh"] : []
  ).concat(job.argv);
  return [
    ...exposeHostTmp(job.cwd),
    `cd ${cwd} 2>/dev/null || { echo "proofwall-vm: working directory "${cwd}" does not exist in the guest" >&2; exit 127; }`,
    `exec ${GUEST_DIR}/busybox env -i ${[...vars, ...argv.map(shellQuote)].join(" ")}`,
    "",
  ].join("\n");
}
