/**
 * polysock benchmark runner: `npm run bench` (full, ~9 min, rewrites docs/benchmarks.md)
 * or `npm run bench -- --quick` (smoke run, ~1.5 min, prints the tables only).
 *
 * For every runtime it starts echo servers written with polysock and with the runtime's
 * own API (bench/servers/), pins them to one core and the C load generator
 * (bench/loadgen.c, compiled here with `cc -O2`) to the other, and runs the two
 * interleaved (A B, B A, A B ...) several times; each cell is the median, and the
 * ratio polysock/raw is the median of the ratios of back-to-back runs. A C epoll echo server measured with the same
 * generator shows the generator's ceiling (it is never the bottleneck).
 *
 * Everything talks to 127.0.0.1 only, every run is bounded in time, and only processes
 * started here are stopped. Options: see `usage` below.
 */
import { spawn, execFileSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

// --- options ---

const usage = `usage: node --import tsx bench/run.ts [options]
  --quick              smoke run: 2 reps x 0.5 s, 2,000 idle connections; does not write the doc
  --reps N             repetitions per server and test (default 5)
  --duration S         seconds per measured run (default 1.25)
  --idle-conns N       idle connections for the RSS test (default 10000)
  --only LIST          comma list of: micro,ref,tcp,udp,idle,flood (default all)
  --runtimes LIST      comma list of: node,bun,deno (default all)
  --write / --no-write write docs/benchmarks.md (default: write unless --quick)
  --json FILE          also write every raw sample as JSON
  --server-cpu N       core for the servers (default 0); --gen-cpu N for the generator (default 1)
  --nice N             priority of servers and generator (default -10 as root, else 0)`;

const argv = process.argv.slice(2);
function opt(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(usage);
  process.exit(0);
}
const QUICK = argv.includes("--quick");
const REPS = Math.max(1, Math.min(50, Number(opt("--reps") ?? (QUICK ? 2 : 5))));
const DURATION = Math.max(0.2, Math.min(30, Number(opt("--duration") ?? (QUICK ? 0.5 : 1.25))));
const WARMUP = Math.min(0.6, DURATION / 2); // per server and repetition, split over the warm-up tests
const IDLE_WANT = Math.max(10, Math.min(50000, Number(opt("--idle-conns") ?? (QUICK ? 2000 : 10000))));
const ONLY = new Set((opt("--only") ?? "micro,ref,tcp,udp,idle,flood").split(","));
const RUNTIMES = new Set((opt("--runtimes") ?? "node,bun,deno").split(","));
const WRITE_DOC = argv.includes("--write") || (!QUICK && !argv.includes("--no-write"));
const JSON_OUT = opt("--json");
const FLOOD_SECS = QUICK ? 1 : 2;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = path.join(ROOT, "node_modules", ".bin");
const BUN = path.join(BIN, "bun");
const DENO = path.join(BIN, "deno");
const NCPU = os.cpus().length;
const PIN = NCPU >= 2 && hasCommand("taskset");
const SERVER_CPU = Number(opt("--server-cpu") ?? 0);
const GEN_CPU = Number(opt("--gen-cpu") ?? 1);
const CLK_TCK = clockTicks();
// Servers and generator run at a higher priority (as root) so that other work on a shared
// machine disturbs the measurement less; `--nice 0` turns that off.
const NICE = Math.max(-20, Math.min(19, Number(opt("--nice") ?? (process.getuid?.() === 0 ? -10 : 0))));
const HAS_NICE = hasCommand("nice");

// --- small helpers ---

function hasCommand(cmd: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function clockTicks(): number {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** utime + stime of a process (all threads), in seconds. */
function procCpu(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** Resident set size in KiB (VmRSS), NaN if the process is gone. */
function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/** [busy, total] jiffies of one core from /proc/stat. */
function coreJiffies(cpu: number): [number, number] {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${cpu} `));
    if (!line) return [NaN, NaN];
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    return [total - v[3] - (v[4] ?? 0), total];
  } catch {
    return [NaN, NaN];
  }
}

function nofileHard(): number {
  try {
    const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(fs.readFileSync("/proc/self/limits", "utf8"));
    if (!m) return 1024;
    return m[2] === "unlimited" ? 1 << 20 : Number(m[2]);
  } catch {
    return 1024;
  }
}

function firstLine(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: ["ignore", "pipe", "ignore"] }).toString().split("\n")[0].trim();
  } catch {
    return "unavailable";
  }
}

const live = new Set<ChildProcess>();
function killAll(): void {
  for (const p of live) if (p.exitCode === null && p.pid) p.kill("SIGKILL");
}
process.on("exit", killAll);
for (const sig of ["SIGINT", "SIGTERM"] as const)
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });

/** `cmd` pinned to `cpu` and at priority NICE (GNU nice still runs the command if it may not raise the priority). */
function pinned(cpu: number, cmd: string[]): string[] {
  const pin = PIN ? ["taskset", "-c", String(cpu), ...cmd] : cmd;
  return NICE !== 0 && HAS_NICE ? ["nice", "-n", String(NICE), ...pin] : pin;
}

/**
 * spawn() for servers and the generator: its own session (so, with the kernel's
 * autogroup scheduling, its own CPU group, which NICE then applies to; a plain nice
 * value counts only inside one's group) and the given stdio.
 */
function spawnBench(cmd: string[], opts: SpawnOptions): ChildProcess {
  const proc = spawn(cmd[0]!, cmd.slice(1), { ...opts, detached: true });
  if (NICE !== 0 && proc.pid) {
    try {
      fs.writeFileSync(`/proc/${proc.pid}/autogroup`, String(NICE));
    } catch {
      // no autogroup scheduling, or not allowed: the nice value alone applies
    }
  }
  return proc;
}

// --- servers ---

type Runtime = "node" | "bun" | "deno" | "c";
/**
 * `raw-py`: the raw server with Python's kernel socket options where the runtime's differ
 * (Bun: TCP_NODELAY 0); `polysock-opt`: polysock with the runtime's own (TCP_NODELAY 1).
 */
type Role = "raw" | "polysock" | "promise-socket" | "c" | "floor" | "raw-py" | "polysock-opt";

interface ServerSpec {
  id: string;
  label: string;
  runtime: Runtime;
  role: Role;
  cmd: string[];
  /** Only these modes (default: every mode of its group). */
  modes?: string[];
}

let LOADGEN = "";

const S = (file: string): string => path.join("bench", "servers", file);
const nodeCmd = (file: string): string[] => [process.execPath, "--import", "tsx", S(file)];
const bunCmd = (file: string, ...args: string[]): string[] => [BUN, S(file), ...args];
const denoCmd = (file: string, unstable = false): string[] => [
  DENO,
  "run",
  "--allow-net",
  ...(unstable ? ["--unstable-net"] : []),
  S(file),
];

function spec(id: string, label: string, runtime: Runtime, role: Role, cmd: () => string[], modes?: string[]): ServerSpec {
  return {
    id,
    label,
    runtime,
    role,
    modes,
    get cmd() {
      return cmd();
    },
  };
}

/** Minimal pull-style servers (one Promise per recv call, nothing else) run in every TCP mode. */
const FLOOR_TCP_MODES = ["bulk1", "bulk4", "pp1", "pp50"];
/** Where TCP_NODELAY changes the result (Nagle holds back the tail of each large write). */
const NODELAY_MODES = ["bulk1", "bulk4"];

const SERVERS = {
  c_tcp: spec("c-tcp", "C epoll echo", "c", "c", () => [LOADGEN, "serve-tcp", "--port", "0", "--hold", "900"]),
  c_udp: spec("c-udp", "C UDP echo", "c", "c", () => [LOADGEN, "serve-udp", "--port", "0", "--hold", "900"]),
  node_tcp_raw: spec("node-tcp-raw", "node:net pipe", "node", "raw", () => nodeCmd("raw_node_tcp.ts")),
  node_tcp_poly: spec("node-tcp-poly", "polysock", "node", "polysock", () => nodeCmd("polysock_tcp_echo.ts")),
  node_tcp_ps: spec("node-tcp-ps", "promise-socket", "node", "promise-socket", () =>
    nodeCmd("promise_socket_tcp.ts"),
  ),
  bun_tcp_raw: spec("bun-tcp-raw", "Bun.listen", "bun", "raw", () => bunCmd("raw_bun_tcp.ts")),
  bun_tcp_poly: spec("bun-tcp-poly", "polysock", "bun", "polysock", () => bunCmd("polysock_tcp_echo.ts")),
  bun_tcp_raw_py: spec(
    "bun-tcp-raw-nodelay0",
    "Bun.listen, TCP_NODELAY 0",
    "bun",
    "raw-py",
    () => bunCmd("raw_bun_tcp.ts", "0", "--nodelay=0"),
    NODELAY_MODES,
  ),
  bun_tcp_poly_opt: spec(
    "bun-tcp-poly-nodelay1",
    "polysock, TCP_NODELAY 1",
    "bun",
    "polysock-opt",
    () => bunCmd("polysock_tcp_echo.ts", "0", "--nodelay=1"),
    NODELAY_MODES,
  ),
  bun_tcp_floor: spec(
    "bun-tcp-floor",
    "pull floor (an async function awaiting a Promise per connection)",
    "bun",
    "floor",
    () => bunCmd("floor_bun_tcp.ts"),
    FLOOR_TCP_MODES,
  ),
  node_tcp_floor: spec("node-tcp-floor", "pull floor", "node", "floor", () => nodeCmd("floor_node_tcp.ts"), FLOOR_TCP_MODES),
  node_udp_floor: spec("node-udp-floor", "pull floor", "node", "floor", () => nodeCmd("floor_node_udp.ts")),
  bun_udp_floor: spec("bun-udp-floor", "pull floor", "bun", "floor", () => bunCmd("floor_bun_udp.ts")),
  deno_tcp_raw: spec("deno-tcp-raw", "Deno.listen", "deno", "raw", () => denoCmd("raw_deno_tcp.ts")),
  deno_tcp_poly: spec("deno-tcp-poly", "polysock", "deno", "polysock", () => denoCmd("polysock_tcp_echo.ts")),
  // Deno's raw server is pull-style already; its floor adds what the async rule needs (one promise and a
  // copy per recv). In bulk it shows what bytes the caller owns cost there (a fresh buffer per read).
  deno_tcp_floor: spec("deno-tcp-floor", "pull floor", "deno", "floor", () => denoCmd("floor_deno_tcp.ts"), FLOOR_TCP_MODES),
  node_udp_raw: spec("node-udp-raw", "node:dgram", "node", "raw", () => nodeCmd("raw_node_udp.ts")),
  node_udp_poly: spec("node-udp-poly", "polysock", "node", "polysock", () => nodeCmd("polysock_udp_echo.ts")),
  bun_udp_raw: spec("bun-udp-raw", "Bun.udpSocket", "bun", "raw", () => bunCmd("raw_bun_udp.ts")),
  bun_udp_poly: spec("bun-udp-poly", "polysock", "bun", "polysock", () => bunCmd("polysock_udp_echo.ts")),
  deno_udp_dgram_raw: spec("deno-udp-dgram-raw", "node:dgram under Deno", "deno", "raw", () =>
    denoCmd("raw_node_udp.ts"),
  ),
  deno_udp_dgram_poly: spec("deno-udp-dgram-poly", "polysock (no flag)", "deno", "polysock", () =>
    denoCmd("polysock_udp_echo.ts"),
  ),
  deno_udp_unstable_raw: spec("deno-udp-unstable-raw", "Deno.listenDatagram", "deno", "raw", () =>
    denoCmd("raw_deno_udp.ts", true),
  ),
  deno_udp_unstable_poly: spec("deno-udp-unstable-poly", "polysock --unstable-net", "deno", "polysock", () =>
    denoCmd("polysock_udp_echo.ts", true),
  ),
  deno_udp_unstable_floor: spec("deno-udp-unstable-floor", "pull floor", "deno", "floor", () =>
    denoCmd("floor_deno_udp.ts", true),
  ),
  node_sink_raw: spec("node-sink-raw", "node:net, no 'data' listener", "node", "raw", () =>
    nodeCmd("raw_node_sink.ts"),
  ),
  node_sink_poly: spec("node-sink-poly", "polysock, no recv()", "node", "polysock", () =>
    nodeCmd("polysock_tcp_sink.ts"),
  ),
  bun_sink_raw: spec("bun-sink-raw", "Bun.listen, pause()", "bun", "raw", () => bunCmd("raw_bun_sink.ts")),
  bun_sink_poly: spec("bun-sink-poly", "polysock, no recv()", "bun", "polysock", () => bunCmd("polysock_tcp_sink.ts")),
  deno_sink_raw: spec("deno-sink-raw", "Deno.listen, no read()", "deno", "raw", () => denoCmd("raw_deno_sink.ts")),
  deno_sink_poly: spec("deno-sink-poly", "polysock, no recv()", "deno", "polysock", () =>
    denoCmd("polysock_tcp_sink.ts"),
  ),
} satisfies Record<string, ServerSpec>;

interface Running {
  spec: ServerSpec;
  proc: ChildProcess;
  port: number;
  pid: number;
}

/** Start a server pinned to the server core, with RLIMIT_NOFILE raised to its hard limit. */
async function startServer(sp: ServerSpec): Promise<Running> {
  const cmd = pinned(SERVER_CPU, sp.cmd);
  const proc = spawnBench(["sh", "-c", 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', "sh", ...cmd], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" },
  });
  live.add(proc);
  proc.on("exit", () => live.delete(proc));
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  return new Promise<Running>((resolve, reject) => {
    const fail = (why: string): void => {
      clearTimeout(timer);
      if (proc.exitCode === null) proc.kill("SIGKILL");
      const tail = err.trim().split("\n").slice(-6).join(" | ");
      reject(new Error(`${sp.id}: ${why}${tail ? `: ${tail}` : ""}`));
    };
    const timer = setTimeout(() => fail("no READY line within 30 s"), 30000);
    proc.on("exit", (code) => fail(`exited with code ${code} before READY`));
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.removeAllListeners("exit");
        proc.on("exit", () => live.delete(proc));
        out = "";
        proc.stdout!.removeAllListeners("data");
        proc.stdout!.resume();
        resolve({ spec: sp, proc, port: Number(m[1]), pid: Number(m[2]) });
      }
    });
  });
}

async function stopServer(r: Running): Promise<void> {
  if (r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  const done = new Promise<void>((res) => r.proc.once("exit", () => res()));
  r.proc.kill("SIGTERM");
  const t = setTimeout(() => r.proc.kill("SIGKILL"), 2000);
  await done;
  clearTimeout(t);
}

// --- load generator ---

type GenResult = Record<string, number | boolean | string>;

function compileLoadgen(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polysock-bench-"));
  const out = path.join(dir, "loadgen");
  const cc = hasCommand("cc") ? "cc" : "gcc";
  execFileSync(cc, ["-O2", "-o", out, path.join(ROOT, "bench", "loadgen.c")], { stdio: "inherit" });
  return out;
}

/** Run the generator pinned to the generator core; resolves with its last JSON line. */
function runGen(args: string[], timeoutMs: number): Promise<GenResult> {
  return new Promise((resolve) => {
    const cmd = pinned(GEN_CPU, [LOADGEN, ...args]);
    const proc = spawnBench(cmd, {
      stdio: ["ignore", "pipe", "pipe"],
    });
    live.add(proc);
    let out = "";
    let err = "";
    proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.on("exit", (code, sig) => {
      clearTimeout(timer);
      live.delete(proc);
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      if (line) {
        try {
          return resolve(JSON.parse(line) as GenResult);
        } catch {
          // fall through
        }
      }
      resolve({ ok: false, error: `loadgen exited ${code ?? sig}: ${err.trim().slice(0, 300)}` });
    });
  });
}

// --- measurements ---

interface Sample {
  ok: boolean;
  error?: string;
  value: number;
  p50?: number;
  p99?: number;
  loss?: number;
  srvCpu: number; // server process CPU, fraction of one core
  coreBusy: number; // server core busy (all processes), fraction
  genCpu: number; // generator CPU, fraction of one core
  gen: GenResult;
}

interface Mode {
  id: string;
  label: string;
  args: string[];
  metric: string;
  unit: string;
  /** Least polysock / raw ratio the issue asks for; null: measured for information only. */
  target: number | null;
  kind: "tcp" | "udp";
}

const MODES: Mode[] = [
  { id: "bulk1", label: "bulk, 1 conn", args: ["bulk", "--conns", "1"], metric: "MiBps", unit: "MiB/s", target: 0.95, kind: "tcp" },
  { id: "bulk4", label: "bulk, 4 conns", args: ["bulk", "--conns", "4"], metric: "MiBps", unit: "MiB/s", target: 0.95, kind: "tcp" },
  { id: "pp1", label: "ping-pong 64 B, 1 conn", args: ["pingpong", "--conns", "1", "--size", "64"], metric: "rps", unit: "round trips/s", target: 0.9, kind: "tcp" },
  { id: "pp50", label: "ping-pong 64 B, 50 conns", args: ["pingpong", "--conns", "50", "--size", "64"], metric: "rps", unit: "round trips/s", target: 0.9, kind: "tcp" },
  { id: "churn", label: "new connections, 8 at a time, one 64 B echo each", args: ["churn", "--conns", "8", "--size", "64"], metric: "cps", unit: "connections/s", target: null, kind: "tcp" },
  { id: "udp", label: "UDP echo 64 B, 32 in flight", args: ["udp", "--size", "64", "--window", "32"], metric: "dps", unit: "datagrams/s", target: 0.9, kind: "udp" },
];

async function measure(srv: Running, mode: Mode, secs: number): Promise<Sample> {
  const c0 = procCpu(srv.pid);
  const [b0, t0] = coreJiffies(SERVER_CPU);
  const w0 = performance.now();
  const g = await runGen(
    [...mode.args, "--port", String(srv.port), "--duration", String(secs), "--grace", "10"],
    (secs + 20) * 1000,
  );
  const wall = (performance.now() - w0) / 1000; // the same interval as the CPU counters
  const c1 = procCpu(srv.pid);
  const [b1, t1] = coreJiffies(SERVER_CPU);
  const ok = g.ok === true;
  return {
    ok,
    error: ok ? undefined : String(g.error ?? JSON.stringify(g).slice(0, 240)),
    value: Number(g[mode.metric] ?? NaN),
    p50: g.p50_us === undefined ? undefined : Number(g.p50_us),
    p99: g.p99_us === undefined ? undefined : Number(g.p99_us),
    loss: g.loss_pct === undefined ? undefined : Number(g.loss_pct),
    srvCpu: (c1 - c0) / wall,
    coreBusy: (b1 - b0) / (t1 - t0),
    genCpu: Number(g.cpu_s) / (Number(g.wall_s) || secs),
    gen: g,
  };
}

interface Group {
  id: string;
  title: string;
  runtime: Runtime;
  kind: "tcp" | "udp";
  servers: ServerSpec[];
  note?: string;
}

interface Cell {
  samples: Sample[];
  startError?: string;
}
type GroupResults = Record<string, Record<string, Cell>>; // mode -> server id -> cell

const log = (s: string): void => void process.stderr.write(s + "\n");

async function runGroup(g: Group): Promise<GroupResults> {
  const modes = MODES.filter((m) => m.kind === g.kind);
  const res: GroupResults = {};
  for (const m of modes) {
    res[m.id] = {};
    for (const s of g.servers) res[m.id][s.id] = { samples: [] };
  }
  // Fresh server processes for every repetition: a process's allocator and JIT state
  // (e.g. glibc heap trimming, which costs page faults on every 64 KiB read buffer in
  // some processes and not in others) then varies between runs instead of biasing one side.
  const warm = MODES.filter((m) => (g.kind === "tcp" ? m.id === "bulk4" || m.id === "pp50" : m.kind === "udp"));
  const failed = (error: string): Sample => ({
    ok: false,
    error,
    value: NaN,
    srvCpu: NaN,
    coreBusy: NaN,
    genCpu: NaN,
    gen: {},
  });
  for (let rep = 0; rep < REPS; rep++) {
    const running: Running[] = [];
    for (const s of g.servers) {
      try {
        running.push(await startServer(s));
      } catch (e) {
        const msg = (e as Error).message;
        log(`  ! ${msg}`);
        for (const m of modes) {
          res[m.id][s.id].startError ??= msg;
          res[m.id][s.id].samples.push(failed(msg));
        }
      }
    }
    try {
      const runs = (r: Running, m: Mode): boolean => r.spec.modes === undefined || r.spec.modes.includes(m.id);
      for (const r of running) {
        const w = warm.filter((m) => runs(r, m));
        for (const m of w) await measure(r, m, WARMUP / w.length); // JIT warm-up, discarded
      }
      for (const m of modes) {
        // A B, B A, A B, ...: interleaved, and a slow drift of the machine favours nobody.
        const order = rep % 2 === 0 ? running : [...running].reverse();
        for (const r of order) {
          if (!runs(r, m)) continue;
          if (r.proc.exitCode !== null || r.proc.signalCode !== null) {
            res[m.id][r.spec.id].samples.push(failed(`${r.spec.id}: server died`));
            continue;
          }
          const smp = await measure(r, m, DURATION);
          res[m.id][r.spec.id].samples.push(smp);
          log(
            `  ${g.id} ${m.id} ${r.spec.id} #${rep + 1}: ` +
              (smp.ok
                ? `${fmtNum(smp.value)} ${m.unit}` +
                  (smp.p50 !== undefined ? ` p50 ${smp.p50}us p99 ${smp.p99}us` : "") +
                  (smp.loss !== undefined ? ` loss ${smp.loss.toFixed(3)}%` : "") +
                  ` (server ${pct(smp.srvCpu)}, core ${pct(smp.coreBusy)}, gen ${pct(smp.genCpu)})`
                : `FAIL ${smp.error}`),
          );
        }
      }
    } finally {
      for (const r of running) await stopServer(r);
    }
  }
  return res;
}

interface IdleSample {
  ok: boolean;
  error?: string;
  conns: number;
  rss0: number; // KiB before
  rss1: number; // KiB with all connections open
  secs: number; // time to open them
}

async function runIdle(sp: ServerSpec, conns: number): Promise<IdleSample> {
  let srv: Running;
  try {
    srv = await startServer(sp);
  } catch (e) {
    return { ok: false, error: (e as Error).message, conns, rss0: NaN, rss1: NaN, secs: NaN };
  }
  try {
    await sleep(500);
    const rss0 = rssKiB(srv.pid);
    const cmd = pinned(GEN_CPU, [LOADGEN]);
    const gen = spawnBench([...cmd, "idle", "--port", String(srv.port), "--conns", String(conns), "--hold", "120"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    live.add(gen);
    const exited = new Promise<void>((r) => gen.on("exit", () => r()));
    let out = "";
    const ready = await new Promise<GenResult>((resolve) => {
      const t = setTimeout(() => resolve({ ok: false, error: "no ready line within 90 s" }), 90000);
      gen.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n").find((l) => l.startsWith("{"));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line) as GenResult);
        }
      });
      gen.on("exit", () => {
        clearTimeout(t);
        const line = out.split("\n").find((l) => l.startsWith("{"));
        resolve(line ? (JSON.parse(line) as GenResult) : { ok: false, error: "loadgen exited" });
      });
    });
    let rss1 = NaN;
    if (ready.ready === true) {
      await sleep(1000); // let the server settle (and its GC run) with every connection open
      const xs: number[] = [];
      for (let i = 0; i < 3; i++) {
        xs.push(rssKiB(srv.pid));
        await sleep(200);
      }
      rss1 = median(xs);
    }
    gen.stdin!.end();
    const killT = setTimeout(() => gen.kill("SIGKILL"), 15000);
    await exited;
    clearTimeout(killT);
    live.delete(gen);
    const done = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
    const fin = done ? (JSON.parse(done) as GenResult) : ready;
    const ok = ready.ready === true && fin.ok !== false && !Number.isNaN(rss1);
    return {
      ok,
      error: ok ? undefined : String(fin.error ?? ready.error ?? `connections dropped: ${fin.dropped}`),
      conns,
      rss0,
      rss1,
      secs: Number(ready.secs),
    };
  } finally {
    await stopServer(srv);
  }
}

interface FloodSample {
  ok: boolean;
  error?: string;
  rss0: number;
  rssMax: number;
  bytes: number; // bytes the server's side took off the wire (in kernel buffers or read)
  lastWrite: number; // seconds into the flood of the last write the kernel accepted
}

async function runFlood(sp: ServerSpec, secs: number): Promise<FloodSample> {
  let srv: Running;
  try {
    srv = await startServer(sp);
  } catch (e) {
    return { ok: false, error: (e as Error).message, rss0: NaN, rssMax: NaN, bytes: NaN, lastWrite: NaN };
  }
  try {
    await sleep(300);
    const rss0 = rssKiB(srv.pid);
    let rssMax = rss0;
    let running = true;
    const p = runGen(["flood", "--port", String(srv.port), "--conns", "1", "--duration", String(secs)], (secs + 20) * 1000);
    void p.then(() => (running = false));
    while (running) {
      const r = rssKiB(srv.pid);
      if (r > rssMax) rssMax = r;
      await sleep(50);
    }
    await sleep(200); // buffered chunks may still be in flight to JS
    const r = rssKiB(srv.pid);
    if (r > rssMax) rssMax = r;
    const g = await p;
    const alive = srv.proc.exitCode === null && srv.proc.signalCode === null;
    const ok = g.ok === true && alive;
    return {
      ok,
      error: ok ? undefined : alive ? String(g.error) : "server died during the flood",
      rss0,
      rssMax,
      bytes: Number(g.bytes),
      lastWrite: Number(g.last_write_s),
    };
  } finally {
    await stopServer(srv);
  }
}

/** bench/overhead.ts on one runtime: core's CPU per message over an in-memory adapter. */
function runMicro(runtime: "node" | "bun" | "deno", kind: "tcp" | "udp", messages: number): Promise<GenResult> {
  const file = path.join("bench", "overhead.ts");
  const cmd =
    runtime === "node"
      ? [process.execPath, "--import", "tsx", file]
      : runtime === "bun"
        ? [BUN, file]
        : [DENO, "run", "--allow-net", file];
  const full = pinned(SERVER_CPU, [...cmd, kind, String(messages)]);
  return new Promise((resolve) => {
    const proc = spawnBench(full, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    live.add(proc);
    let out = "";
    let err = "";
    proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    proc.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60000);
    proc.on("exit", (code) => {
      clearTimeout(timer);
      live.delete(proc);
      const line = out.trim().split("\n").filter((l) => l.startsWith("{")).pop();
      try {
        if (line) return resolve({ ok: true, ...(JSON.parse(line) as GenResult) });
      } catch {
        // fall through
      }
      resolve({ ok: false, error: `exit ${code}: ${err.trim().split("\n").slice(-3).join(" | ")}` });
    });
  });
}

interface MicroRow {
  runtime: string;
  kind: string;
  samples: GenResult[];
}

// --- formatting ---

function fmtNum(x: number): string {
  if (!Number.isFinite(x)) return "–";
  if (x >= 100) return Math.round(x).toLocaleString("en-US");
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
const pct = (x: number): string => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : "–");
/** A ratio with two decimals, "–" when there is none. */
const fx = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : "–");
const mib = (kib: number): string => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : "–");

function cellSummary(c: Cell | undefined): {
  ok: boolean;
  text: string;
  value: number;
  p50: number;
  p99: number;
  loss: number;
  lossMax: number;
  srv: number;
  core: number;
  gen: number;
  n: number;
} {
  const nan = NaN;
  if (!c) return { ok: false, text: "not run", value: nan, p50: nan, p99: nan, loss: nan, lossMax: nan, srv: nan, core: nan, gen: nan, n: 0 };
  if (c.startError && c.samples.length === 0)
    return { ok: false, text: "did not start", value: nan, p50: nan, p99: nan, loss: nan, lossMax: nan, srv: nan, core: nan, gen: nan, n: 0 };
  const bad = c.samples.find((s) => !s.ok);
  const good = c.samples.filter((s) => s.ok);
  const v = median(good.map((s) => s.value));
  const p = (f: (s: Sample) => number | undefined): number => median(good.map(f).filter((x): x is number => x !== undefined));
  return {
    ok: !bad && good.length > 0,
    text: bad ? `FAIL (${bad.error})` : fmtNum(v),
    value: bad ? nan : v,
    p50: p((s) => s.p50),
    p99: p((s) => s.p99),
    loss: p((s) => s.loss),
    lossMax: Math.max(...good.map((s) => s.loss ?? 0)),
    srv: p((s) => s.srvCpu),
    core: p((s) => s.coreBusy),
    gen: p((s) => s.genCpu),
    n: good.length,
  };
}

/**
 * Median over the repetitions of polysock/raw measured back to back in the same
 * repetition (pairs), for the metric `f`. Robust to load that comes and goes.
 */
function pairRatio(c: GroupResults[string], rawId: string, polyId: string, f: (s: Sample) => number): number {
  const a = c[rawId]?.samples ?? [];
  const b = c[polyId]?.samples ?? [];
  if (a.some((s) => !s.ok) || b.some((s) => !s.ok)) return NaN;
  const rs: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) rs.push(f(b[i]) / f(a[i]));
  return median(rs.filter(Number.isFinite));
}

/**
 * A baseline table's cells for one mode: `a`, `mid`, mid / a, `b`, b / mid (values and pair
 * ratios from the same interleaved runs): raw, promise-socket or the pull floor, polysock.
 */
function baselineCells(c: GroupResults[string] | undefined, a: ServerSpec, mid: ServerSpec, b: ServerSpec): string {
  const text = (sp: ServerSpec): string => cellSummary(c?.[sp.id]).text;
  const ratio = (x: ServerSpec, y: ServerSpec): string => fx(c ? pairRatio(c, x.id, y.id, (q) => q.value) : NaN);
  return `${text(a)} | ${text(mid)} | ${ratio(a, mid)} | ${text(b)} | ${ratio(mid, b)}`;
}

const verdict = (ratio: number, target: number): string =>
  !Number.isFinite(ratio) ? "–" : ratio >= target ? "yes" : "**no**";

// --- main ---

interface AllResults {
  groups: { group: Group; res: GroupResults }[];
  idle: { runtime: string; specs: ServerSpec[]; samples: Record<string, IdleSample[]> }[];
  flood: { runtime: string; specs: ServerSpec[]; samples: Record<string, FloodSample[]> }[];
  idleConns: number;
  idleNote: string;
  micro: MicroRow[];
}

async function main(): Promise<void> {
  const started = new Date();
  const t0 = Date.now();
  const versionAtStart = polysockVersion();
  log(`polysock bench: reps ${REPS}, ${DURATION} s per run, ${QUICK ? "quick" : "full"}; ` +
    (PIN ? `servers on CPU ${SERVER_CPU}, generator on CPU ${GEN_CPU}` : "NOT pinned (taskset or a 2nd core missing)"));
  LOADGEN = compileLoadgen();
  log(`loadgen built: ${LOADGEN}`);
  if (PIN) {
    // Keep this runner off the server core too (it only waits and samples /proc).
    try {
      execFileSync("taskset", ["-a", "-p", "-c", String(GEN_CPU), String(process.pid)], { stdio: "ignore" });
    } catch {
      // not fatal
    }
  }
  const loadBefore = os.loadavg();

  const hard = nofileHard();
  const idleConns = Math.min(IDLE_WANT, hard - 200);
  const idleNote =
    idleConns < IDLE_WANT
      ? `RLIMIT_NOFILE hard limit is ${hard}: scaled down from ${IDLE_WANT} to ${idleConns} connections.`
      : "";
  if (idleNote) log(`! ${idleNote}`);

  const rt = (r: Runtime): boolean => r === "c" || RUNTIMES.has(r);
  const groups: Group[] = [];
  if (ONLY.has("ref")) {
    groups.push({ id: "ref-tcp", title: "C (generator ceiling)", runtime: "c", kind: "tcp", servers: [SERVERS.c_tcp] });
    groups.push({ id: "ref-udp", title: "C (generator ceiling)", runtime: "c", kind: "udp", servers: [SERVERS.c_udp] });
  }
  if (ONLY.has("tcp")) {
    groups.push({ id: "node-tcp", title: "Node", runtime: "node", kind: "tcp", servers: [SERVERS.node_tcp_raw, SERVERS.node_tcp_poly, SERVERS.node_tcp_ps, SERVERS.node_tcp_floor] });
    groups.push({ id: "bun-tcp", title: "Bun", runtime: "bun", kind: "tcp", servers: [SERVERS.bun_tcp_raw, SERVERS.bun_tcp_poly, SERVERS.bun_tcp_floor, SERVERS.bun_tcp_raw_py, SERVERS.bun_tcp_poly_opt] });
    groups.push({ id: "deno-tcp", title: "Deno", runtime: "deno", kind: "tcp", servers: [SERVERS.deno_tcp_raw, SERVERS.deno_tcp_poly, SERVERS.deno_tcp_floor] });
  }
  if (ONLY.has("udp")) {
    groups.push({ id: "node-udp", title: "Node", runtime: "node", kind: "udp", servers: [SERVERS.node_udp_raw, SERVERS.node_udp_poly, SERVERS.node_udp_floor] });
    groups.push({ id: "bun-udp", title: "Bun", runtime: "bun", kind: "udp", servers: [SERVERS.bun_udp_raw, SERVERS.bun_udp_poly, SERVERS.bun_udp_floor] });
    groups.push({ id: "deno-udp-dgram", title: "Deno, no --unstable-net", runtime: "deno", kind: "udp", servers: [SERVERS.deno_udp_dgram_raw, SERVERS.deno_udp_dgram_poly] });
    groups.push({ id: "deno-udp-unstable", title: "Deno --unstable-net", runtime: "deno", kind: "udp", servers: [SERVERS.deno_udp_unstable_raw, SERVERS.deno_udp_unstable_poly, SERVERS.deno_udp_unstable_floor] });
  }

  const all: AllResults = { groups: [], idle: [], flood: [], idleConns, idleNote, micro: [] };
  if (ONLY.has("micro")) {
    log("== micro: core's CPU per message over an in-memory adapter");
    for (const r of ["node", "bun", "deno"] as const) {
      if (!RUNTIMES.has(r)) continue;
      for (const kind of ["tcp", "udp"] as const) {
        const row: MicroRow = { runtime: r, kind, samples: [] };
        for (let i = 0; i < (QUICK ? 1 : 3); i++) {
          const g = await runMicro(r, kind, QUICK ? 100000 : 300000);
          row.samples.push(g);
          log(`  ${r} ${kind} #${i + 1}: ${g.ok ? JSON.stringify(g.cpu_us) : `FAIL ${g.error}`}`);
        }
        all.micro.push(row);
      }
    }
  }
  for (const g of groups.filter((x) => rt(x.runtime))) {
    log(`== ${g.id}`);
    all.groups.push({ group: g, res: await runGroup(g) });
  }

  const idleSets: [string, ServerSpec[]][] = [
    ["node", [SERVERS.node_tcp_raw, SERVERS.node_tcp_poly, SERVERS.node_tcp_ps]],
    ["bun", [SERVERS.bun_tcp_raw, SERVERS.bun_tcp_poly, SERVERS.bun_tcp_floor]],
    ["deno", [SERVERS.deno_tcp_raw, SERVERS.deno_tcp_poly]],
  ];
  const floodSets: [string, ServerSpec[]][] = [
    ["node", [SERVERS.node_sink_raw, SERVERS.node_sink_poly]],
    ["bun", [SERVERS.bun_sink_raw, SERVERS.bun_sink_poly]],
    ["deno", [SERVERS.deno_sink_raw, SERVERS.deno_sink_poly]],
  ];
  // RSS results repeat to within ~2% (checked), so one idle run per server is enough.
  const idleReps = 1;
  const floodReps = QUICK ? 1 : 2;
  if (ONLY.has("idle")) {
    for (const [r, specs] of idleSets.filter(([r]) => RUNTIMES.has(r))) {
      log(`== idle ${r}: ${idleConns} connections`);
      const samples: Record<string, IdleSample[]> = {};
      for (let rep = 0; rep < idleReps; rep++)
        for (const sp of specs) {
          const s = await runIdle(sp, idleConns);
          (samples[sp.id] ??= []).push(s);
          log(`  ${sp.id} #${rep + 1}: ` + (s.ok ? `RSS ${mib(s.rss0)} -> ${mib(s.rss1)} MiB (open in ${s.secs.toFixed(1)} s)` : `FAIL ${s.error}`));
        }
      all.idle.push({ runtime: r, specs, samples });
    }
  }
  if (ONLY.has("flood")) {
    for (const [r, specs] of floodSets.filter(([r]) => RUNTIMES.has(r))) {
      log(`== flood ${r}: ${FLOOD_SECS} s`);
      const samples: Record<string, FloodSample[]> = {};
      for (let rep = 0; rep < floodReps; rep++)
        for (const sp of specs) {
          const s = await runFlood(sp, FLOOD_SECS);
          (samples[sp.id] ??= []).push(s);
          log(`  ${sp.id} #${rep + 1}: ` + (s.ok ? `RSS ${mib(s.rss0)} -> max ${mib(s.rssMax)} MiB, peer wrote ${mib(s.bytes / 1024)} MiB` : `FAIL ${s.error}`));
        }
      all.flood.push({ runtime: r, specs, samples });
    }
  }

  const elapsed = (Date.now() - t0) / 1000;
  const versionAtEnd = polysockVersion();
  const version =
    versionAtStart === versionAtEnd
      ? versionAtStart
      : `**changed during the run** (at the start: ${versionAtStart}; at the end: ${versionAtEnd}): the tables mix two builds, rerun`;
  if (versionAtStart !== versionAtEnd) log(`! polysock changed during the run: ${version}`);
  const md = renderDoc(all, started, elapsed, loadBefore, os.loadavg(), version);
  process.stdout.write(md);
  if (WRITE_DOC) {
    fs.writeFileSync(path.join(ROOT, "docs", "benchmarks.md"), md);
    log(`wrote docs/benchmarks.md (${elapsed.toFixed(0)} s)`);
  } else {
    log(`docs/benchmarks.md not written (${QUICK ? "--quick" : "--no-write"}); ${elapsed.toFixed(0)} s`);
  }
  if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(all, null, 1));
  fs.rmSync(path.dirname(LOADGEN), { recursive: true, force: true });

  const failed =
    all.groups.some(({ res }) => Object.values(res).some((byS) => Object.values(byS).some((c) => c.samples.some((s) => !s.ok) || c.startError))) ||
    all.idle.some((x) => Object.values(x.samples).some((ss) => ss.some((s) => !s.ok))) ||
    all.flood.some((x) => Object.values(x.samples).some((ss) => ss.some((s) => !s.ok))) ||
    all.micro.some((row) => row.samples.some((g) => g.ok !== true));
  if (failed) {
    log("some runs failed or servers did not start: see FAIL / 'did not start' in the tables");
    process.exitCode = 1;
  }
}

/** Which polysock was measured: the commit, whether the tree had changes, when core's dist was built. */
function polysockVersion(): string {
  let rev = "unknown commit";
  try {
    rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "packages"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
    if (dirty) rev += " with uncommitted changes in packages/";
  } catch {
    // not a git checkout
  }
  let built = "not built";
  try {
    built = `dist built ${fs.statSync(path.join(ROOT, "packages", "core", "dist", "index.js")).mtime.toISOString().replace("T", " ").slice(0, 16)} UTC`;
  } catch {
    // no dist
  }
  return `commit ${rev}, core ${built}`;
}

function renderDoc(
  all: AllResults,
  started: Date,
  elapsed: number,
  loadBefore: number[],
  loadAfter: number[],
  version: string,
): string {
  const L: string[] = [];
  const cpu = os.cpus();
  const bunV = firstLine(BUN, ["--version"]);
  const denoV = firstLine(DENO, ["--version"]);
  const ccV = firstLine(hasCommand("cc") ? "cc" : "gcc", ["--version"]);
  L.push("# Benchmarks");
  L.push("");
  L.push(
    "Generated by `npm run bench` (bench/run.ts); do not edit by hand. Echo servers written with polysock " +
      "(`recv(65536)` / `sendall`, one async function per connection; `recvfrom` / `sendto` for UDP) against the " +
      "same server written with each runtime's own API, all driven by one C load generator (bench/loadgen.c).",
  );
  L.push("");
  L.push(`- **Date:** ${started.toISOString().replace("T", " ").slice(0, 16)} UTC; the whole run took ${Math.round(elapsed)} s${QUICK ? " (**--quick** smoke run)" : ""}.`);
  L.push(`- **Machine:** ${cpu[0]?.model ?? "?"}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}; load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`);
  L.push(`- **Runtimes:** Node ${process.version}, Bun ${bunV}, ${denoV}; generator built with ${ccV} (\`-O2\`).`);
  L.push(`- **polysock:** ${version}.`);
  L.push(
    PIN
      ? `- **Pinning:** every server on CPU ${SERVER_CPU}, the generator (and this runner) on CPU ${GEN_CPU} (\`taskset\`)${NICE !== 0 ? `, both at \`nice -n ${NICE}\`` : ""}; loopback 127.0.0.1 only.`
      : "- **Pinning:** none (taskset or a second core missing): numbers are less stable.",
  );
  L.push(
    `- **Method:** the servers of one runtime are measured interleaved: ${REPS} repetitions, each with fresh server ` +
      `processes (warmed up for ${WARMUP} s each), then every test runs once per server for ${DURATION} s in the order ` +
      `A B in odd and B A in even repetitions (raw, polysock${RUNTIMES.has("node") ? " and, on Node, promise-socket" : ""}), ` +
      `so neither a drift of the machine nor one process's luck (JIT, allocator state) favours a side. Each cell is the median of the runs.`,
  );
  L.push("");

  // Generator ceiling
  const ref = all.groups.filter((x) => x.group.runtime === "c");
  if (ref.length) {
    L.push("## The generator is not the bottleneck");
    L.push("");
    L.push(
      "The generator is one C thread (epoll) on its own core. For each test: the fastest raw runtime server and how busy " +
        "that server and the generator were (CPU time over wall time, one core = 100%), the generator's extrapolated " +
        "capacity (rate ÷ its CPU share), and what the same generator measured against a C epoll echo server on the server core. " +
        "A server near 100% while the generator has room left means the server is what is measured. (On this shared " +
        "machine the server core also runs other work; see *other load* below.) Ping-pong with 1 connection is bound by " +
        "latency (two wake-ups per round trip), so neither side is busy there. Where the generator is busy too (many small " +
        "messages cost it one read and one write each, like the server), a generator limit could only hold the *raw* " +
        "server back, so it would make the polysock / raw ratios look better than they are, never worse.",
    );
    L.push("");
    L.push("| test | fastest raw server | server CPU | gen CPU | generator capacity (rate ÷ gen CPU) | C echo server | gen CPU with C server |");
    L.push("|---|---:|---:|---:|---:|---:|---:|");
    for (const m of MODES) {
      const g = ref.find((x) => x.group.kind === m.kind);
      const c = g ? cellSummary(g.res[m.id]?.[g.group.servers[0].id]) : undefined;
      let best = { v: NaN, label: "–", srv: NaN, gen: NaN };
      for (const { group, res } of all.groups) {
        if (group.runtime === "c" || group.kind !== m.kind) continue;
        for (const sp of group.servers.filter((x) => x.role === "raw")) {
          const x = cellSummary(res[m.id]?.[sp.id]);
          if (x.ok && !(x.value <= best.v)) best = { v: x.value, label: `${group.title} ${sp.label}`, srv: x.srv, gen: x.gen };
        }
      }
      L.push(
        `| ${m.label} (${m.unit}) | ${fmtNum(best.v)} (${best.label}) | ${pct(best.srv)} | ${pct(best.gen)} | ${fmtNum(best.v / best.gen)} | ${c ? c.text : "–"} | ${c ? pct(c.gen) : "–"} |`,
      );
    }
    L.push("");
  }

  // Throughput tables
  const rt = all.groups.filter((x) => x.group.runtime !== "c");
  if (rt.length) {
    L.push("## Throughput and latency: polysock / raw");
    L.push("");
    L.push(
      "Targets: bulk >= 0.95, ping-pong >= 0.90, UDP >= 0.90 (on *polysock / raw*, defined below). Bulk runs verify every echoed byte " +
        "(a mismatch fails the run); ping-pong and UDP verify every echo too. Latencies are medians over the runs of each run's p50/p99 (µs). " +
        "*New connections* (no target; what a server pays per connection: accept, the address, the per-connection objects, close): " +
        "the generator keeps 8 connections going, each opened, used for one verified 64 B echo and closed by the generator; latency is connect to echo. " +
        "On Bun, raw sockets start with TCP_NODELAY 1 and polysock's with Python's 0: bulk with the same option on both sides is in *the same TCP_NODELAY on both sides* below.",
    );
    L.push("");
    L.push(
      "*polysock / raw* is the median over the runs of polysock's result divided by raw's from the same repetition; " +
        "*per CPU-s* divides each result by the server's CPU time first (work per CPU second: the cost of each byte or " +
        "message, which other load on the machine does not change). *other load* is how busy the server core was with " +
        "processes other than the server (the machine is shared).",
    );
    L.push("");
    L.push("| runtime | test | raw server | raw | polysock | **polysock / raw** | target | met | per CPU-s | server CPU raw / polysock | gen CPU raw / polysock | other load |");
    L.push("|---|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
    for (const { group, res } of rt) {
      const raw = group.servers.find((s) => s.role === "raw")!;
      const poly = group.servers.find((s) => s.role === "polysock")!;
      for (const m of MODES.filter((x) => x.kind === group.kind)) {
        const a = cellSummary(res[m.id]?.[raw.id]);
        const b = cellSummary(res[m.id]?.[poly.id]);
        const ratio = pairRatio(res[m.id], raw.id, poly.id, (s) => s.value);
        const eff = pairRatio(res[m.id], raw.id, poly.id, (s) => s.value / s.srvCpu);
        const other = median(
          [...(res[m.id]?.[raw.id]?.samples ?? []), ...(res[m.id]?.[poly.id]?.samples ?? [])].map((s) =>
            Math.max(0, s.coreBusy - s.srvCpu),
          ),
        );
        const lat = (s: ReturnType<typeof cellSummary>): string =>
          Number.isFinite(s.p50) && s.ok ? ` <br><sub>p50 ${fmtNum(s.p50)} / p99 ${fmtNum(s.p99)} µs${m.kind === "udp" ? `, loss ${s.loss.toFixed(2)}%` : ""}</sub>` : "";
        L.push(
          `| ${group.title} | ${m.label} (${m.unit}) | ${raw.label} | ${a.text}${lat(a)} | ${b.text}${lat(b)} | **${fx(ratio)}** | ${m.target === null ? "–" : m.target.toFixed(2)} | ${m.target === null ? "" : verdict(ratio, m.target)} | ${fx(eff)} | ${pct(a.srv)} / ${pct(b.srv)} | ${pct(a.gen)} / ${pct(b.gen)} | ${pct(other)} |`,
        );
      }
    }
    L.push("");
    const ps = rt.find((x) => x.group.servers.some((s) => s.role === "promise-socket"));
    if (ps) {
      const raw = ps.group.servers.find((s) => s.role === "raw")!;
      const poly = ps.group.servers.find((s) => s.role === "polysock")!;
      const pso = ps.group.servers.find((s) => s.role === "promise-socket")!;
      L.push("### Baseline: npm `promise-socket` on Node");
      L.push("");
      L.push(
        "Pull reads over `node:net` (`await read()` / `await write()` per chunk), measured in the same interleaved runs as the Node rows above.",
      );
      L.push("");
      L.push("| test | raw node:net | promise-socket | promise-socket / raw | polysock | polysock / promise-socket |");
      L.push("|---|---:|---:|---:|---:|---:|");
      for (const m of MODES.filter((x) => x.kind === "tcp")) {
        L.push(`| ${m.label} (${m.unit}) | ${baselineCells(ps.res[m.id], raw, pso, poly)} |`);
      }
      L.push("");
    }
  }

  const floors = all.groups.filter((x) => x.group.servers.some((s) => s.role === "floor"));
  if (floors.length) {
    L.push("### Baseline: the least any pull-style API costs");
    L.push("");
    L.push(
      "A Python-style `recv` returns a Promise per call, which a raw push server never creates, and the async rule " +
        "(SPEC.md) makes `sendall`/`sendto` return one too. *Pull floor* (bench/servers/floor_*.ts) is the minimum of " +
        "that: one Promise per `recv()`/`recvfrom()` call (settled at once when data is queued; `recv(65536)` hands a " +
        "larger chunk out in views) and one per `sendall()`/`sendto()` (settled at once when the runtime took it all), " +
        "awaited in one async function per connection, over the runtime's own API, with nothing else (no timeouts, " +
        "errors or addresses; on TCP only the backpressure bulk needs: `sendall` awaits the runtime's drain, reading " +
        "pauses at 256 KiB unread). In bulk the bytes a recv returned stay referenced by the loop until the next recv " +
        "returns, so the runtime cannot reuse that buffer for the next read, which a push server's handler does not do. " +
        "Measured in the same interleaved runs as the rows above. Deno's own API is already pull-style " +
        "(`await conn.read()`): its floor (TCP, and UDP with --unstable-net) adds only what the async rule and " +
        "a `recv` that returns bytes need — one `.then` per recv/recvfrom with a copy of what was read (the caller keeps " +
        "it while the buffer is read into again) and one per sendto for its count. In Deno's bulk rows that copy is the " +
        "cost: the raw server reads into one 64 KiB buffer forever, while bytes a caller owns need new memory per read, " +
        "which Deno can only allocate zero-filled (no `allocUnsafe`: 60–200 µs per MiB measured; a CPU profile of " +
        "polysock's Deno bulk echo shows 17% of the server's time in that memset, where the kernel's copies take 37%). " +
        "polysock reads into 1 MiB slabs and hands the bytes over without a copy, above this floor. " +
        "The floor reads through each runtime's documented events (Node: `'data'`); polysock's Node adapter reads " +
        "through Node's `onread` mode instead (libuv reads into one shared buffer, each read copied out; no Readable " +
        "stream, no Buffer per read), so on Node polysock can be above this floor.",
    );
    L.push("");
    L.push("| runtime | test | raw | pull floor | floor / raw | polysock | polysock / floor |");
    L.push("|---|---|---:|---:|---:|---:|---:|");
    for (const x of floors) {
      const raw = x.group.servers.find((s) => s.role === "raw")!;
      const poly = x.group.servers.find((s) => s.role === "polysock")!;
      const fl = x.group.servers.find((s) => s.role === "floor")!;
      for (const m of MODES.filter((y) => y.kind === x.group.kind && (fl.modes === undefined || fl.modes.includes(y.id)))) {
        L.push(`| ${x.group.title} | ${m.label} (${m.unit}) | ${baselineCells(x.res[m.id], raw, fl, poly)} |`);
      }
    }
    L.push("");
  }

  const opts = all.groups.filter((x) => x.group.servers.some((s) => s.role === "raw-py"));
  if (opts.length) {
    L.push("### Baseline: the same TCP_NODELAY on both sides");
    L.push("");
    L.push(
      "Python's TCP sockets start with TCP_NODELAY 0 (Nagle's algorithm on), and so do polysock's on every runtime; " +
        "raw Node and Deno sockets do too, but Bun's start with TCP_NODELAY 1, so in the Bun rows above raw and " +
        "polysock differ in a kernel option as well as in the API. In bulk the option changes how a transfer paces on " +
        "loopback (Nagle holds back the last, partial segment of a write until the peer acknowledges what went before; " +
        "ping-pong, where each reply follows the acknowledgement of the previous one, does not depend on it). " +
        "Measured in the same interleaved runs: the raw server " +
        "with TCP_NODELAY 0 (`--nodelay=0`), and polysock with `conn.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)` after " +
        "`accept()` (`--nodelay=1`), the Python line that gives a polysock socket Bun's default.",
    );
    L.push("");
    L.push(
      "| runtime | test | raw (TCP_NODELAY 1) | raw, TCP_NODELAY 0 | polysock (TCP_NODELAY 0) | **polysock / raw, both TCP_NODELAY 0** | polysock, TCP_NODELAY 1 | **polysock / raw, both TCP_NODELAY 1** |",
    );
    L.push("|---|---|---:|---:|---:|---:|---:|---:|");
    for (const x of opts) {
      const find = (role: Role): ServerSpec => x.group.servers.find((s) => s.role === role)!;
      const [raw, poly, rawPy, polyOpt] = [find("raw"), find("polysock"), find("raw-py"), find("polysock-opt")];
      for (const m of MODES.filter((y) => rawPy.modes === undefined || rawPy.modes.includes(y.id))) {
        const cell = (sp: ServerSpec): string => cellSummary(x.res[m.id]?.[sp.id]).text;
        const r1 = pairRatio(x.res[m.id], rawPy.id, poly.id, (q) => q.value);
        const r2 = pairRatio(x.res[m.id], raw.id, polyOpt.id, (q) => q.value);
        L.push(
          `| ${x.group.title} | ${m.label} (${m.unit}) | ${cell(raw)} | ${cell(rawPy)} | ${cell(poly)} | **${fx(r1)}** | ${cell(polyOpt)} | **${fx(r2)}** |`,
        );
      }
    }
    L.push("");
  }

  if (all.idle.length) {
    L.push(`## Memory: ${all.idleConns.toLocaleString("en-US")} idle connections`);
    L.push("");
    L.push(
      "Each connection echoes one byte once (so the server's per-connection loop really runs and waits in `recv`), then stays idle. " +
        "RSS (VmRSS) of the server process before and after; target: polysock RSS <= 1.2 x raw RSS. " +
        "On Bun, *pull floor* (bench/servers/floor_bun_tcp.ts) is the least any pull-style API can keep: one async " +
        "function per connection waiting for one Promise, and nothing else." +
        (all.idleNote ? ` **${all.idleNote}**` : ""),
    );
    L.push("");
    L.push("| runtime | server | RSS before (MiB) | RSS with conns (MiB) | growth per conn (KiB) | RSS / raw | met (<= 1.20) |");
    L.push("|---|---|---:|---:|---:|---:|---|");
    for (const x of all.idle) {
      const raw = x.specs.find((s) => s.role === "raw")!;
      const rawS = x.samples[raw.id]?.filter((s) => s.ok) ?? [];
      const rawRss = median(rawS.map((s) => s.rss1));
      for (const sp of x.specs) {
        const ss = x.samples[sp.id] ?? [];
        const good = ss.filter((s) => s.ok);
        const bad = ss.find((s) => !s.ok);
        const r0 = median(good.map((s) => s.rss0));
        const r1 = median(good.map((s) => s.rss1));
        const per = ((r1 - r0) / all.idleConns);
        const ratio = r1 / rawRss;
        const label = sp.role === "raw" ? `${sp.label} (raw)` : sp.label;
        L.push(
          `| ${x.runtime} | ${label} | ${bad && !good.length ? `FAIL (${bad.error})` : mib(r0)} | ${mib(r1)} | ${fx(per)} | ${sp.role === "raw" ? "1.00" : fx(ratio)} | ${sp.role === "polysock" ? verdict(1.2 / ratio, 1) : ""} |`,
        );
      }
    }
    L.push("");
  }

  if (all.flood.length) {
    L.push("## Memory: a peer floods a socket that is never read");
    L.push("");
    L.push(
      `One client writes 64 KiB chunks as fast as the kernel accepts them for ${FLOOD_SECS} s to a server that accepted the connection and never reads it. ` +
        "*Peer wrote* is what the client's kernel accepted (socket buffers plus whatever the server process pulled in); *RSS growth* is the server's peak VmRSS minus its RSS before. Target: polysock growth <= 32 MiB.",
    );
    L.push("");
    L.push("| runtime | server | peer wrote (MiB) | last accepted write (s) | RSS growth (MiB) | met (<= 32 MiB) |");
    L.push("|---|---|---:|---:|---:|---|");
    for (const x of all.flood) {
      for (const sp of x.specs) {
        const ss = x.samples[sp.id] ?? [];
        const good = ss.filter((s) => s.ok);
        const bad = ss.find((s) => !s.ok);
        const growth = Math.max(...good.map((s) => s.rssMax - s.rss0));
        const wrote = Math.max(...good.map((s) => s.bytes));
        const last = Math.max(...good.map((s) => s.lastWrite));
        L.push(
          `| ${x.runtime} | ${sp.label}${sp.role === "raw" ? " (raw)" : ""} | ${bad && !good.length ? `FAIL (${bad.error})` : mib(wrote / 1024)} | ${fx(last)} | ${mib(growth)} | ${sp.role === "polysock" ? (Number.isFinite(growth) ? (growth <= 32 * 1024 ? "yes" : "**no**") : "–") : ""} |`,
        );
      }
    }
    L.push("(worst of the runs)");
    L.push("");
  }

  if (all.micro.length) {
    L.push("## polysock's own CPU per message (no network)");
    L.push("");
    L.push(
      "bench/overhead.ts runs the same echo loops over an in-memory adapter (`useAdapter`), 50 connections (or UDP peers), " +
        "64-byte messages, so only JavaScript is measured and the machine's noise mostly cancels out. *direct*: the handler " +
        "writes back at once (a raw push server); *mini*: a minimal `await recv()` loop (one Promise per read); *polysock*: " +
        "`recv(65536)`/`sendall` or `recvfrom`/`sendto` through core. CPU µs per echoed message, median of the runs.",
    );
    L.push("");
    L.push("| runtime | loop | direct | mini | polysock | polysock − mini |");
    L.push("|---|---|---:|---:|---:|---:|");
    for (const row of all.micro) {
      const good = row.samples.filter((g) => g.ok === true);
      const v = (k: string): number =>
        median(good.map((g) => Number((g.cpu_us as unknown as Record<string, number> | undefined)?.[k])).filter(Number.isFinite));
      const bad = row.samples.find((g) => g.ok !== true);
      const loop = row.kind === "tcp" ? "TCP recv/sendall" : "UDP recvfrom/sendto";
      if (!good.length) {
        L.push(`| ${row.runtime} | ${loop} | FAIL (${bad?.error}) | | | |`);
        continue;
      }
      L.push(`| ${row.runtime} | ${loop} | ${v("direct").toFixed(2)} | ${v("mini").toFixed(2)} | ${v("polysock").toFixed(2)} | ${(v("polysock") - v("mini")).toFixed(2)} |`);
    }
    L.push("");
  }

  L.push("## How to rerun");
  L.push("");
  L.push("```sh");
  L.push("npm run bench                 # full run (~9 min): builds, measures, rewrites docs/benchmarks.md");
  L.push("npm run bench -- --quick      # smoke run (~1.5 min): prints the tables, leaves this file alone");
  L.push("npm run bench -- --only tcp --runtimes bun --reps 3    # a subset (add --no-write to keep this file)");
  L.push("```");
  L.push("");
  L.push(
    "Needs Linux, `cc` (or `gcc`) and `taskset`; the generator is compiled into a temporary directory at each run. " +
      "Options: `--reps N`, `--duration S`, `--idle-conns N`, `--only micro,ref,tcp,udp,idle,flood`, `--runtimes node,bun,deno`, " +
      "`--write` / `--no-write`, `--json FILE` (every sample), `--server-cpu N`, `--gen-cpu N`, `--nice N` (default -10 as root). The 10,000-connection test raises " +
      "RLIMIT_NOFILE to the hard limit in the generator (setrlimit) and the servers (`ulimit -n`), and scales down if the hard limit is lower. " +
      "Servers and generator modes are described at the top of bench/servers/*.ts and bench/loadgen.c. On a shared or virtual machine the " +
      "absolute numbers move by tens of percent from run to run; the interleaved ratios are the stable part.",
  );
  L.push("");
  return L.join("\n");
}

await main();
