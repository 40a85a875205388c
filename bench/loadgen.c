/*
 * polysock benchmark load generator (Linux, single thread, epoll).
 *
 * Built by bench/run.ts at run time:  cc -O2 -o loadgen bench/loadgen.c
 * Every mode is bounded in time (--duration plus a hard deadline) and talks only to
 * the --host given (the runner passes 127.0.0.1). Each run prints one JSON line on
 * stdout (idle mode prints two: "ready" and "done"). Exit code 0 = ok, 2 = failed
 * (verification error, timeout, connection error), 1 = usage.
 *
 * Modes:
 *   bulk      N connections stream a known byte pattern for --duration seconds, then
 *             shutdown(SHUT_WR); every echoed byte is compared with what was sent.
 *   pingpong  N connections, one --size message in flight each; latency histogram.
 *   udp       N sockets, --window datagrams in flight each; rate, loss, latency.
 *   idle      open N connections (each echoes one byte once, so the server really
 *             runs its per-connection loop), then hold them until stdin closes.
 *   churn     N connections at a time, each opened, used for one --size echo and closed
 *             by the generator, then replaced: connections per second, latency.
 *   flood     N connections write as fast as the kernel lets them for --duration
 *             seconds to a server that does not read.
 *   serve-tcp / serve-udp
 *             a C epoll echo server: the reference that shows how fast the
 *             generator can go when the server is not the bottleneck.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---------- options ---------- */
static const char *o_mode = NULL;
static const char *o_host = "127.0.0.1";
static int o_port = 0;
static int o_conns = 1;
static double o_duration = 2.0;
static int o_size = 64;
static int o_window = 32;
static double o_hold = 120.0;     /* idle: longest hold */
static int o_concurrency = 200;   /* idle: handshakes in flight */
static double o_grace = 10.0;     /* extra seconds before the hard deadline */

/* ---------- helpers ---------- */
static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
static double now_s(void) { return (double)now_ns() / 1e9; }

static double cpu_self_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void fail(const char *mode, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
#include <stdarg.h>
static void fail(const char *mode, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  for (char *p = msg; *p; p++)
    if (*p == '"' || *p == '\\') *p = '\'';
  printf("{\"mode\":\"%s\",\"ok\":false,\"error\":\"%s\"}\n", mode, msg);
  fflush(stdout);
  exit(2);
}

static int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static struct sockaddr_in server_addr(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)o_port);
  if (inet_pton(AF_INET, o_host, &a.sin_addr) != 1) {
    fprintf(stderr, "bad --host %s (IPv4 literal expected)\n", o_host);
    exit(1);
  }
  return a;
}

static long raise_nofile(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return (long)rl.rlim_cur;
}

/* Blocking connect with TCP_NODELAY, then non-blocking. */
static int tcp_connect(const char *mode) {
  struct sockaddr_in a = server_addr();
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail(mode, "socket: %s", strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) fail(mode, "connect: %s", strerror(errno));
  set_nonblock(fd);
  return fd;
}

/* Latency histogram: 100 ns buckets up to 100 ms, plus overflow. */
#define HBUCKETS 1000000
static uint32_t *hist;
static uint64_t hist_n, hist_over;
static uint64_t hist_max_ns;
static void hist_add(uint64_t ns) {
  uint64_t b = ns / 100;
  if (b >= HBUCKETS) hist_over++;
  else hist[b]++;
  hist_n++;
  if (ns > hist_max_ns) hist_max_ns = ns;
}
static double hist_pct_us(double p) {
  if (hist_n == 0) return 0;
  uint64_t want = (uint64_t)(p * (double)hist_n);
  if (want >= hist_n) want = hist_n - 1;
  uint64_t acc = 0;
  for (uint64_t b = 0; b < HBUCKETS; b++) {
    acc += hist[b];
    if (acc > want) return (b * 100 + 50) / 1000.0;
  }
  return hist_max_ns / 1000.0;
}

/* Bulk pattern: byte i of connection c is pat[(i + c * 17) % 251]. */
#define PERIOD 251
#define CHUNK (64 * 1024)
#define RBUF (256 * 1024)
static unsigned char *pat; /* PERIOD + RBUF bytes */
static void make_pattern(void) {
  pat = malloc(PERIOD + RBUF);
  for (int i = 0; i < PERIOD + RBUF; i++) pat[i] = (unsigned char)((i % PERIOD) * 131 + 7);
}

/* ---------- bulk ---------- */
typedef struct {
  int fd;
  uint64_t sent, recvd;
  int eof;
} bconn;

static int run_bulk(void) {
  make_pattern();
  bconn *c = calloc(o_conns, sizeof *c);
  int ep = epoll_create1(0);
  for (int i = 0; i < o_conns; i++) {
    c[i].fd = tcp_connect("bulk");
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
  }
  unsigned char *rbuf = malloc(RBUF);
  double cpu0 = cpu_self_s();
  double t0 = now_s(), t_end = t0 + o_duration, deadline = t_end + o_grace;
  int stopping = 0, open = o_conns;
  uint64_t measured = 0, total_recvd = 0;
  double measured_secs = 0;
  struct epoll_event evs[64];
  while (open > 0) {
    double t = now_s();
    if (!stopping && t >= t_end) {
      stopping = 1;
      measured = total_recvd;
      measured_secs = t - t0;
      for (int i = 0; i < o_conns; i++) {
        if (c[i].eof) continue;
        shutdown(c[i].fd, SHUT_WR);
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_MOD, c[i].fd, &ev);
      }
    }
    if (t > deadline) fail("bulk", "timeout: %d of %d connections did not finish the echo", open, o_conns);
    int n = epoll_wait(ep, evs, 64, 20);
    for (int k = 0; k < n; k++) {
      bconn *x = &c[evs[k].data.u32];
      int ci = (int)evs[k].data.u32;
      if (x->eof) continue;
      if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        for (int rep = 0; rep < 4; rep++) {
          ssize_t r = read(x->fd, rbuf, RBUF);
          if (r > 0) {
            if (x->recvd + (uint64_t)r > x->sent) fail("bulk", "conn %d: server echoed more bytes than were sent", ci);
            if (memcmp(rbuf, pat + (x->recvd + (uint64_t)ci * 17) % PERIOD, (size_t)r) != 0)
              fail("bulk", "conn %d: echoed bytes differ from sent bytes near offset %llu", ci,
                   (unsigned long long)x->recvd);
            x->recvd += (uint64_t)r;
            total_recvd += (uint64_t)r;
            if (r < RBUF) break;
          } else if (r == 0) {
            if (!stopping) fail("bulk", "conn %d: server closed early", ci);
            if (x->recvd != x->sent)
              fail("bulk", "conn %d: echo short: got %llu of %llu bytes", ci, (unsigned long long)x->recvd,
                   (unsigned long long)x->sent);
            x->eof = 1;
            open--;
            epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
            close(x->fd);
            break;
          } else {
            if (errno == EAGAIN || errno == EINTR) break;
            fail("bulk", "conn %d: read: %s", ci, strerror(errno));
          }
        }
      }
      if (!x->eof && !stopping && (evs[k].events & EPOLLOUT)) {
        for (int rep = 0; rep < 4; rep++) {
          ssize_t w = write(x->fd, pat + (x->sent + (uint64_t)ci * 17) % PERIOD, CHUNK);
          if (w > 0) {
            x->sent += (uint64_t)w;
            if (w < CHUNK) break;
          } else {
            if (w < 0 && (errno == EAGAIN || errno == EINTR)) break;
            fail("bulk", "conn %d: write: %s", ci, strerror(errno));
          }
        }
      }
    }
  }
  double t_done = now_s();
  double cpu = cpu_self_s() - cpu0;
  uint64_t sent = 0;
  for (int i = 0; i < o_conns; i++) sent += c[i].sent;
  printf("{\"mode\":\"bulk\",\"ok\":true,\"conns\":%d,\"secs\":%.4f,\"bytes\":%llu,\"MiBps\":%.2f,"
         "\"verified_bytes\":%llu,\"sent_bytes\":%llu,\"cpu_s\":%.4f,\"wall_s\":%.4f}\n",
         o_conns, measured_secs, (unsigned long long)measured, measured / measured_secs / 1048576.0,
         (unsigned long long)total_recvd, (unsigned long long)sent, cpu, t_done - t0);
  return 0;
}

/* ---------- ping-pong ---------- */
typedef struct {
  int fd;
  uint64_t seq, t_send;
  int got, done;
  unsigned char *msg, *rb;
} pconn;

static void pp_fill(pconn *x, int ci) {
  memcpy(x->msg, &x->seq, 8);
  memcpy(x->msg + 8, &ci, 4);
  for (int i = 12; i < o_size; i++) x->msg[i] = (unsigned char)(x->seq + i);
}

static int run_pingpong(void) {
  if (o_size < 16) o_size = 16;
  hist = calloc(HBUCKETS, sizeof *hist);
  pconn *c = calloc(o_conns, sizeof *c);
  int ep = epoll_create1(0);
  for (int i = 0; i < o_conns; i++) {
    c[i].fd = tcp_connect("pingpong");
    c[i].msg = malloc(o_size);
    c[i].rb = malloc(o_size);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
  }
  double cpu0 = cpu_self_s();
  uint64_t t0 = now_ns(), t_end = t0 + (uint64_t)(o_duration * 1e9),
           deadline = t_end + (uint64_t)(o_grace * 1e9);
  for (int i = 0; i < o_conns; i++) {
    pp_fill(&c[i], i);
    c[i].t_send = now_ns();
    if (write(c[i].fd, c[i].msg, o_size) != o_size) fail("pingpong", "short write of first message");
  }
  int active = o_conns;
  uint64_t rounds = 0, last = t0;
  struct epoll_event evs[256];
  while (active > 0) {
    uint64_t t = now_ns();
    if (t > deadline) fail("pingpong", "timeout: %d connections waiting for an echo", active);
    int n = epoll_wait(ep, evs, 256, 20);
    for (int k = 0; k < n; k++) {
      int ci = (int)evs[k].data.u32;
      pconn *x = &c[ci];
      if (x->done) continue;
      ssize_t r = read(x->fd, x->rb + x->got, (size_t)(o_size - x->got));
      if (r == 0) fail("pingpong", "conn %d: server closed", ci);
      if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        fail("pingpong", "conn %d: read: %s", ci, strerror(errno));
      }
      x->got += (int)r;
      if (x->got < o_size) continue;
      uint64_t tn = now_ns();
      if (memcmp(x->rb, x->msg, o_size) != 0) fail("pingpong", "conn %d: echo differs from message", ci);
      hist_add(tn - x->t_send);
      rounds++;
      last = tn;
      x->got = 0;
      if (tn >= t_end) {
        x->done = 1;
        active--;
        continue;
      }
      x->seq++;
      pp_fill(x, ci);
      x->t_send = now_ns();
      if (write(x->fd, x->msg, o_size) != o_size) fail("pingpong", "conn %d: short write", ci);
    }
  }
  double cpu = cpu_self_s() - cpu0;
  double secs = (last - t0) / 1e9;
  printf("{\"mode\":\"pingpong\",\"ok\":true,\"conns\":%d,\"size\":%d,\"secs\":%.4f,\"rounds\":%llu,"
         "\"rps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"cpu_s\":%.4f,\"wall_s\":%.4f}\n",
         o_conns, o_size, secs, (unsigned long long)rounds, rounds / secs, hist_pct_us(0.50), hist_pct_us(0.99),
         hist_max_ns / 1000.0, cpu, secs);
  for (int i = 0; i < o_conns; i++) close(c[i].fd);
  return 0;
}

/* ---------- udp ---------- */
#define URING (1 << 20)
#define LOSS_NS (200ull * 1000000ull) /* a datagram not back after 200 ms is counted lost */
typedef struct {
  int fd;
  uint64_t next_seq, oldest;
  int in_flight;
  uint64_t *slot_seq, *slot_t;
  unsigned char *slot_state; /* 1 outstanding, 2 received, 3 timed out */
} uconn;

static int run_udp(void) {
  if (o_size < 24) o_size = 24;
  if (o_size > 65507) o_size = 65507;
  if (o_conns > 16) o_conns = 16;
  hist = calloc(HBUCKETS, sizeof *hist);
  struct sockaddr_in a = server_addr();
  uconn *c = calloc(o_conns, sizeof *c);
  int ep = epoll_create1(0);
  for (int i = 0; i < o_conns; i++) {
    c[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (connect(c[i].fd, (struct sockaddr *)&a, sizeof a) != 0) fail("udp", "connect: %s", strerror(errno));
    c[i].slot_seq = calloc(URING, 8);
    c[i].slot_t = calloc(URING, 8);
    c[i].slot_state = calloc(URING, 1);
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
  }
  unsigned char *sb = malloc(o_size), *rb = malloc(65536);
  for (int i = 24; i < o_size; i++) sb[i] = (unsigned char)(i * 7);
  uint64_t sent = 0, recv_ok = 0, recv_window = 0, late = 0, dups = 0, timedout = 0, refused = 0, bad = 0;
  double cpu0 = cpu_self_s();
  uint64_t t0 = now_ns(), t_end = t0 + (uint64_t)(o_duration * 1e9), t_drain = t_end + LOSS_NS + 50000000ull;
  struct epoll_event evs[64];
  for (;;) {
    uint64_t t = now_ns();
    if (t >= t_drain) break;
    int all_idle = 1;
    for (int i = 0; i < o_conns; i++) {
      uconn *x = &c[i];
      /* retire the oldest outstanding datagrams: received ones, and those past the loss timeout */
      while (x->oldest < x->next_seq) {
        uint32_t s = (uint32_t)(x->oldest & (URING - 1));
        if (x->slot_state[s] == 1) {
          if (t - x->slot_t[s] < LOSS_NS) break;
          x->slot_state[s] = 3;
          x->in_flight--;
          timedout++;
        }
        x->oldest++;
      }
      if (x->next_seq - x->oldest >= URING - 1) fail("udp", "sequence window overflow");
      while (t < t_end && x->in_flight < o_window) {
        uint64_t seq = x->next_seq, ts = now_ns();
        memcpy(sb, &seq, 8);
        memcpy(sb + 8, &ts, 8);
        memcpy(sb + 16, &i, 4);
        ssize_t w = send(x->fd, sb, o_size, 0);
        if (w < 0) {
          if (errno == ECONNREFUSED) { refused++; break; }
          if (errno == EAGAIN || errno == ENOBUFS || errno == EINTR) break;
          fail("udp", "send: %s", strerror(errno));
        }
        uint32_t s = (uint32_t)(seq & (URING - 1));
        x->slot_seq[s] = seq;
        x->slot_t[s] = ts;
        x->slot_state[s] = 1;
        x->next_seq++;
        x->in_flight++;
        sent++;
      }
      if (x->in_flight > 0) all_idle = 0;
    }
    if (t >= t_end && all_idle) break;
    int n = epoll_wait(ep, evs, 64, 5);
    for (int k = 0; k < n; k++) {
      int ci = (int)evs[k].data.u32;
      uconn *x = &c[ci];
      for (int rep = 0; rep < 64; rep++) {
        ssize_t r = recv(x->fd, rb, 65536, 0);
        if (r < 0) {
          if (errno == ECONNREFUSED) { refused++; continue; }
          if (errno == EAGAIN || errno == EINTR) break;
          fail("udp", "recv: %s", strerror(errno));
        }
        uint64_t tn = now_ns(), seq, ts;
        int who;
        if (r != o_size) { bad++; continue; }
        memcpy(&seq, rb, 8);
        memcpy(&ts, rb + 8, 8);
        memcpy(&who, rb + 16, 4);
        if (who != ci || memcmp(rb + 24, sb + 24, o_size - 24) != 0) { bad++; continue; }
        uint32_t s = (uint32_t)(seq & (URING - 1));
        if (seq >= x->next_seq || x->slot_seq[s] != seq || x->slot_t[s] != ts) { bad++; continue; }
        if (x->slot_state[s] == 1) {
          x->slot_state[s] = 2;
          x->in_flight--;
          recv_ok++;
          if (tn <= t_end) recv_window++;
          hist_add(tn - ts);
        } else if (x->slot_state[s] == 3) {
          x->slot_state[s] = 2;
          late++;
        } else {
          dups++;
        }
      }
    }
  }
  double cpu = cpu_self_s() - cpu0;
  double secs = o_duration;
  uint64_t lost = sent - recv_ok - late;
  printf("{\"mode\":\"udp\",\"ok\":%s,\"conns\":%d,\"window\":%d,\"size\":%d,\"secs\":%.4f,\"sent\":%llu,"
         "\"received\":%llu,\"late\":%llu,\"lost\":%llu,\"loss_pct\":%.4f,\"dps\":%.1f,\"dups\":%llu,\"bad\":%llu,"
         "\"refused\":%llu,\"p50_us\":%.1f,\"p99_us\":%.1f,\"cpu_s\":%.4f,\"wall_s\":%.4f}\n",
         bad == 0 && recv_ok > 0 ? "true" : "false", o_conns, o_window, o_size, secs, (unsigned long long)sent,
         (unsigned long long)recv_ok, (unsigned long long)late, (unsigned long long)lost,
         sent ? 100.0 * (double)lost / (double)sent : 0.0, recv_window / secs, (unsigned long long)dups,
         (unsigned long long)bad, (unsigned long long)refused, hist_pct_us(0.50), hist_pct_us(0.99), cpu,
         (now_ns() - t0) / 1e9);
  return bad == 0 && recv_ok > 0 ? 0 : 2;
}

/* ---------- idle ---------- */
typedef struct {
  int fd;
  int state; /* 0 unused, 1 connecting, 2 sent byte, 3 idle, 4 dropped */
} iconn;

static int run_idle(void) {
  long lim = raise_nofile();
  if (lim > 0 && o_conns > lim - 64) fail("idle", "RLIMIT_NOFILE is %ld: cannot hold %d connections", lim, o_conns);
  struct sockaddr_in a = server_addr();
  iconn *c = calloc(o_conns, sizeof *c);
  int ep = epoll_create1(0);
  double t0 = now_s(), deadline = t0 + 60.0 + o_grace;
  int started = 0, in_flight = 0, idle = 0, dropped = 0;
  struct epoll_event evs[256];
  while (idle < o_conns) {
    if (now_s() > deadline) fail("idle", "timeout: %d of %d connections established", idle, o_conns);
    while (started < o_conns && in_flight < o_concurrency) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (fd < 0) fail("idle", "socket #%d: %s", started, strerror(errno));
      int r = connect(fd, (struct sockaddr *)&a, sizeof a);
      if (r != 0 && errno != EINPROGRESS) fail("idle", "connect #%d: %s", started, strerror(errno));
      c[started].fd = fd;
      c[started].state = 1;
      struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)started};
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
      started++;
      in_flight++;
    }
    int n = epoll_wait(ep, evs, 256, 50);
    for (int k = 0; k < n; k++) {
      int ci = (int)evs[k].data.u32;
      iconn *x = &c[ci];
      if (x->state == 1) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err) fail("idle", "connect #%d: %s", ci, strerror(err));
        if (write(x->fd, "x", 1) != 1) fail("idle", "write #%d: %s", ci, strerror(errno));
        x->state = 2;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)ci};
        epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
      } else if (x->state == 2) {
        char b;
        ssize_t r = read(x->fd, &b, 1);
        if (r < 0 && errno == EAGAIN) continue;
        if (r != 1 || b != 'x') fail("idle", "conn #%d: no echo of the probe byte", ci);
        x->state = 3;
        idle++;
        in_flight--;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.u32 = (uint32_t)ci};
        epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
      } else if (x->state == 3) {
        x->state = 4;
        dropped++;
        epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
      }
    }
  }
  printf("{\"mode\":\"idle\",\"ready\":true,\"conns\":%d,\"secs\":%.3f,\"nofile\":%ld}\n", idle, now_s() - t0, lim);
  fflush(stdout);
  /* Hold until stdin closes (or a line arrives), at most --hold seconds. */
  double hold_end = now_s() + o_hold;
  struct pollfd p = {.fd = 0, .events = POLLIN};
  while (now_s() < hold_end) {
    int r = poll(&p, 1, 100);
    if (r > 0) break;
    int n = epoll_wait(ep, evs, 256, 0);
    for (int k = 0; k < n; k++) {
      iconn *x = &c[evs[k].data.u32];
      if (x->state == 3) {
        x->state = 4;
        dropped++;
        epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
      }
    }
  }
  for (int i = 0; i < o_conns; i++) close(c[i].fd);
  printf("{\"mode\":\"idle\",\"ok\":%s,\"done\":true,\"conns\":%d,\"dropped\":%d}\n", dropped ? "false" : "true",
         o_conns, dropped);
  return dropped ? 2 : 0;
}

/* ---------- churn ---------- */
/* N slots; each opens a connection (non-blocking connect), writes one --size message, reads
 * the echo, verifies it and closes (the client closes first, as an HTTP/1.0 client would),
 * then starts the next. Rate = connections completed per second; latency = connect to echo. */
typedef struct {
  int fd, got, state; /* state 0 = connecting, 1 = waiting for the echo */
  uint64_t seq, t0;
  unsigned char *msg, *rb;
} cconn;

static void churn_open(int ep, cconn *x, int ci) {
  struct sockaddr_in a = server_addr();
  x->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (x->fd < 0) fail("churn", "socket: %s", strerror(errno));
  int one = 1;
  setsockopt(x->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  /* Each connection leaves one TIME_WAIT behind (the generator closes first). Source addresses
   * 127.0.0.2-254 in turn (loopback only) keep the kernel from searching an exhausted port range,
   * which made the rate fall run after run. */
  if (!strncmp(o_host, "127.", 4)) {
    static unsigned src = 0;
    struct sockaddr_in b;
    memset(&b, 0, sizeof b);
    b.sin_family = AF_INET;
    b.sin_addr.s_addr = htonl(0x7f000002u + (src++ % 253u));
#ifdef IP_BIND_ADDRESS_NO_PORT
    setsockopt(x->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (bind(x->fd, (struct sockaddr *)&b, sizeof b) != 0) fail("churn", "bind: %s", strerror(errno));
  }
  x->t0 = now_ns();
  x->got = 0;
  x->state = 0;
  if (connect(x->fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
    fail("churn", "connect: %s", strerror(errno));
  struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)ci};
  epoll_ctl(ep, EPOLL_CTL_ADD, x->fd, &ev);
}

static int run_churn(void) {
  if (o_size < 16) o_size = 16;
  hist = calloc(HBUCKETS, sizeof *hist);
  cconn *c = calloc(o_conns, sizeof *c);
  int ep = epoll_create1(0);
  double cpu0 = cpu_self_s();
  uint64_t t0 = now_ns(), t_end = t0 + (uint64_t)(o_duration * 1e9),
           deadline = t_end + (uint64_t)(o_grace * 1e9);
  for (int i = 0; i < o_conns; i++) {
    c[i].msg = malloc(o_size);
    c[i].rb = malloc(o_size);
    churn_open(ep, &c[i], i);
  }
  int active = o_conns;
  uint64_t done = 0, last = t0;
  struct epoll_event evs[256];
  while (active > 0) {
    if (now_ns() > deadline) fail("churn", "timeout: %d connections waiting", active);
    int n = epoll_wait(ep, evs, 256, 20);
    for (int k = 0; k < n; k++) {
      int ci = (int)evs[k].data.u32;
      cconn *x = &c[ci];
      if (x->fd < 0) continue;
      if (x->state == 0) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err) fail("churn", "conn %d: connect: %s", ci, strerror(err));
        memcpy(x->msg, &x->seq, 8);
        memcpy(x->msg + 8, &ci, 4);
        for (int i = 12; i < o_size; i++) x->msg[i] = (unsigned char)(x->seq + i);
        if (write(x->fd, x->msg, o_size) != o_size) fail("churn", "conn %d: short write", ci);
        x->state = 1;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)ci};
        epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &ev);
        continue;
      }
      ssize_t r = read(x->fd, x->rb + x->got, (size_t)(o_size - x->got));
      if (r == 0) fail("churn", "conn %d: server closed before the echo", ci);
      if (r < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        fail("churn", "conn %d: read: %s", ci, strerror(errno));
      }
      x->got += (int)r;
      if (x->got < o_size) continue;
      uint64_t tn = now_ns();
      if (memcmp(x->rb, x->msg, o_size) != 0) fail("churn", "conn %d: echo differs from message", ci);
      hist_add(tn - x->t0);
      done++;
      last = tn;
      close(x->fd); /* also leaves the epoll set */
      x->fd = -1;
      x->seq++;
      if (tn >= t_end) {
        active--;
        continue;
      }
      churn_open(ep, x, ci);
    }
  }
  double cpu = cpu_self_s() - cpu0;
  double secs = (last - t0) / 1e9;
  printf("{\"mode\":\"churn\",\"ok\":true,\"conns\":%d,\"size\":%d,\"secs\":%.4f,\"connections\":%llu,"
         "\"cps\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"cpu_s\":%.4f,\"wall_s\":%.4f}\n",
         o_conns, o_size, secs, (unsigned long long)done, done / secs, hist_pct_us(0.50), hist_pct_us(0.99),
         hist_max_ns / 1000.0, cpu, secs);
  return 0;
}

/* ---------- flood ---------- */
static int run_flood(void) {
  make_pattern();
  int *fds = calloc(o_conns, sizeof *fds);
  int ep = epoll_create1(0);
  for (int i = 0; i < o_conns; i++) {
    fds[i] = tcp_connect("flood");
    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  double t0 = now_s(), t_end = t0 + o_duration, half = t0 + o_duration / 2, last_write = t0;
  uint64_t bytes = 0, bytes_second_half = 0;
  struct epoll_event evs[64];
  while (now_s() < t_end) {
    int n = epoll_wait(ep, evs, 64, 20);
    for (int k = 0; k < n; k++) {
      int fd = fds[evs[k].data.u32];
      ssize_t w = write(fd, pat, CHUNK);
      if (w > 0) {
        bytes += (uint64_t)w;
        last_write = now_s();
        if (last_write >= half) bytes_second_half += (uint64_t)w;
      } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
        fail("flood", "write: %s", strerror(errno));
      }
    }
  }
  struct linger lg = {1, 0}; /* reset: the unread backlog is not worth a graceful close */
  for (int i = 0; i < o_conns; i++) {
    setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fds[i]);
  }
  printf("{\"mode\":\"flood\",\"ok\":true,\"conns\":%d,\"secs\":%.3f,\"bytes\":%llu,\"bytes_second_half\":%llu,"
         "\"last_write_s\":%.3f}\n",
         o_conns, o_duration, (unsigned long long)bytes, (unsigned long long)bytes_second_half, last_write - t0);
  return 0;
}

/* ---------- reference servers ---------- */
typedef struct {
  int fd;
  unsigned char *pend;
  size_t plen, poff;
  int eof;
} sconn;

static volatile sig_atomic_t stop_flag = 0;
static void on_sig(int s) { (void)s; stop_flag = 1; }

static int run_serve_tcp(void) {
  raise_nofile();
  struct sockaddr_in a = server_addr();
  int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(ls, (struct sockaddr *)&a, sizeof a) != 0 || listen(ls, 511) != 0) fail("serve-tcp", "bind/listen: %s", strerror(errno));
  socklen_t al = sizeof a;
  getsockname(ls, (struct sockaddr *)&a, &al);
  printf("READY %d %d\n", ntohs(a.sin_port), (int)getpid());
  fflush(stdout);
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
  unsigned char *buf = malloc(RBUF);
  struct epoll_event evs[256];
  double end = now_s() + o_hold;
  while (!stop_flag && now_s() < end) {
    int n = epoll_wait(ep, evs, 256, 100);
    for (int k = 0; k < n; k++) {
      sconn *x = evs[k].data.ptr;
      if (x == NULL) {
        for (;;) {
          int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
          if (fd < 0) break;
          sconn *nc = calloc(1, sizeof *nc);
          nc->fd = fd;
          struct epoll_event e2 = {.events = EPOLLIN, .data.ptr = nc};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e2);
        }
        continue;
      }
      if (x->plen > x->poff) { /* writable again: flush the tail */
        ssize_t w = write(x->fd, x->pend + x->poff, x->plen - x->poff);
        if (w > 0) x->poff += (size_t)w;
        if (w < 0 && errno != EAGAIN) goto drop;
        if (x->poff < x->plen) continue;
        x->plen = x->poff = 0;
        if (x->eof) goto drop;
        struct epoll_event e2 = {.events = EPOLLIN, .data.ptr = x};
        epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e2);
        continue;
      }
      {
        ssize_t r = read(x->fd, buf, RBUF);
        if (r == 0) goto drop;
        if (r < 0) {
          if (errno == EAGAIN) continue;
          goto drop;
        }
        ssize_t w = write(x->fd, buf, (size_t)r);
        if (w < 0) {
          if (errno != EAGAIN) goto drop;
          w = 0;
        }
        if (w < r) {
          x->pend = realloc(x->pend, (size_t)(r - w));
          memcpy(x->pend, buf + w, (size_t)(r - w));
          x->plen = (size_t)(r - w);
          x->poff = 0;
          struct epoll_event e2 = {.events = EPOLLOUT, .data.ptr = x};
          epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &e2);
        }
        continue;
      }
    drop:
      epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
      close(x->fd);
      free(x->pend);
      free(x);
    }
  }
  return 0;
}

static int run_serve_udp(void) {
  struct sockaddr_in a = server_addr();
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) fail("serve-udp", "bind: %s", strerror(errno));
  socklen_t al = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &al);
  printf("READY %d %d\n", ntohs(a.sin_port), (int)getpid());
  fflush(stdout);
  struct timeval tv = {0, 100000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  unsigned char *buf = malloc(65536);
  double end = now_s() + o_hold;
  while (!stop_flag && now_s() < end) {
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t r = recvfrom(fd, buf, 65536, 0, (struct sockaddr *)&from, &fl);
    if (r < 0) continue;
    sendto(fd, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
  }
  return 0;
}

/* ---------- main ---------- */
int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; i++) {
    const char *k = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (k[0] != '-') { o_mode = k; continue; }
    if (!v) { fprintf(stderr, "missing value for %s\n", k); return 1; }
    i++;
    if (!strcmp(k, "--host")) o_host = v;
    else if (!strcmp(k, "--port")) o_port = atoi(v);
    else if (!strcmp(k, "--conns")) o_conns = atoi(v);
    else if (!strcmp(k, "--duration")) o_duration = atof(v);
    else if (!strcmp(k, "--size")) o_size = atoi(v);
    else if (!strcmp(k, "--window")) o_window = atoi(v);
    else if (!strcmp(k, "--hold")) o_hold = atof(v);
    else if (!strcmp(k, "--concurrency")) o_concurrency = atoi(v);
    else if (!strcmp(k, "--grace")) o_grace = atof(v);
    else { fprintf(stderr, "unknown option %s\n", k); return 1; }
  }
  if (!o_mode) {
    fprintf(stderr, "usage: loadgen bulk|pingpong|udp|idle|flood|churn|serve-tcp|serve-udp --port P [--host H] [--conns N]\n"
                    "       [--duration S] [--size B] [--window W] [--hold S] [--concurrency N] [--grace S]\n");
    return 1;
  }
  if (o_conns < 1) o_conns = 1;
  if (o_duration <= 0 || o_duration > 600) o_duration = 2;
  if (o_hold <= 0 || o_hold > 3600) o_hold = 120;
  if (!strncmp(o_mode, "serve", 5)) {
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
  }
  if (strncmp(o_mode, "serve", 5) && o_port <= 0) { fprintf(stderr, "--port required\n"); return 1; }
  if (!strcmp(o_mode, "bulk")) return run_bulk();
  if (!strcmp(o_mode, "pingpong")) return run_pingpong();
  if (!strcmp(o_mode, "udp")) return run_udp();
  if (!strcmp(o_mode, "idle")) return run_idle();
  if (!strcmp(o_mode, "flood")) return run_flood();
  if (!strcmp(o_mode, "churn")) return run_churn();
  if (!strcmp(o_mode, "serve-tcp")) return run_serve_tcp();
  if (!strcmp(o_mode, "serve-udp")) return run_serve_udp();
  fprintf(stderr, "unknown mode %s\n", o_mode);
  return 1;
}
