/*
 * The external load generator of the server-only benchmarks: one thread, epoll, non-blocking sockets.
 *
 *   loadgen pingpong -p PORT [-s 64] [-w warm] [-t measure]           one connection, one message in flight;
 *                                                                        prints round trips/s, p50 and p99 (µs)
 *   loadgen echo     -p PORT [-c conns] [-d depth] [-s 64] [-w] [-t]  conns connections, depth messages in flight
 *                                                                        on each (a reply's bytes are sent again)
 *   loadgen bulk     -p PORT [-s 262144] [-w] [-t]                    one connection, writes of -s bytes while
 *                                                                        writable, reads all it gets back
 *   loadgen udp      -p PORT [-d depth] [-s 64] [-w] [-t]             one connected UDP socket, depth datagrams
 *                                                                        in flight; if none comes back for 200 ms, the
 *                                                                        window counts as lost and is sent again
 *
 * -i MS prints "SAMPLE <seconds since start> <msgs/s>" every MS milliseconds (warm-up included), for the cold row.
 * Results are "RESULT <metric> <value>" lines. Every phase ends on time: a stalled server gives 0, never a hang.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host = "127.0.0.1";
static int port, conns = 1, depth = 16, size = 64, sample_ms;
static double warm = 1, measure = 2;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    printf("FAILED %s: %s\n", what, strerror(errno));
    exit(1);
}

static struct sockaddr_in server_addr(void) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t) port);
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) die("address");
    return a;
}

/* A blocking connect (loopback: the kernel completes it, whether or not the server has accepted yet), retried
 * for up to 5 s, then non-blocking. */
static int tcp_connect(void) {
    struct sockaddr_in a = server_addr();
    double until = now() + 5;
    for (;;) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) die("socket");
        if (connect(fd, (struct sockaddr *) &a, sizeof a) == 0) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
            return fd;
        }
        close(fd);
        if (now() > until) die("connect");
        usleep(20000);
    }
}

/* ------------------------------------------------------------------ per-phase accounting */

static uint64_t done_total;        /* messages (or bytes, for bulk) completed since start */
static double t_start, t_next_sample;
static uint64_t sample_base;

static void maybe_sample(double t) {
    if (sample_ms <= 0 || t < t_next_sample) return;
    double dt = sample_ms / 1000.0;
    printf("SAMPLE %.3f %.1f\n", t_next_sample - t_start, (done_total - sample_base) / dt);
    fflush(stdout);
    sample_base = done_total;
    t_next_sample += dt;
    while (t_next_sample <= t) {     /* a stall longer than one interval: report the empty intervals too */
        printf("SAMPLE %.3f 0.0\n", t_next_sample - t_start);
        t_next_sample += dt;
    }
}

/* The clock of a run: warm-up, then the measurement; returns 0 when over. Sets *measuring on the switch. */
static double t_measure, t_end;
static uint64_t done_at_measure;
static int measuring;

static void phase_start(void) {
    t_start = now();
    t_next_sample = t_start + sample_ms / 1000.0;
    t_measure = t_start + warm;
    t_end = t_measure + measure;
    if (warm <= 0) measuring = 1;
}

static int phase_tick(double t) {
    maybe_sample(t);
    if (!measuring && t >= t_measure) {
        measuring = 1;
        done_at_measure = done_total;
    }
    return t < t_end;
}

static double measured_rate(double t) {
    double span = t - (warm <= 0 ? t_start : t_measure);
    return span > 0 ? (done_total - done_at_measure) / span : 0;
}

/* ------------------------------------------------------------------ ping-pong */

static uint32_t *lat;            /* round trips of the measurement, ns */
static size_t lat_n, lat_cap;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

static int wait_fd(int ep, int ms) {
    struct epoll_event ev;
    int n = epoll_wait(ep, &ev, 1, ms);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    return n;
}

static void pingpong(void) {
    int fd = tcp_connect(), ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    char *buf = calloc(1, (size_t) size);
    lat_cap = 1 << 20;
    lat = malloc(lat_cap * sizeof *lat);
    phase_start();
    double t = t_start;
    while (phase_tick(t)) {
        double t0 = now();
        ssize_t w = send(fd, buf, (size_t) size, MSG_NOSIGNAL);   /* 64 B always fits an empty send buffer */
        if (w != size) die("send");
        int got = 0;
        while (got < size) {
            if (wait_fd(ep, 100) <= 0) {
                if (now() >= t_end) break;   /* stalled server: end on time */
                continue;
            }
            ssize_t r = recv(fd, buf + got, (size_t) (size - got), 0);
            if (r > 0) { got += (int) r; continue; }
            if (r == 0) { errno = ECONNRESET; die("recv (server closed)"); }
            if (errno != EAGAIN) die("recv");
        }
        t = now();
        if (got < size) break;
        done_total++;
        if (measuring) {
            if (lat_n == lat_cap) lat = realloc(lat, (lat_cap *= 2) * sizeof *lat);
            lat[lat_n++] = (uint32_t) ((t - t0) * 1e9);
        }
    }
    t = now();
    printf("RESULT rt_per_s %.1f\n", measured_rate(t));
    if (lat_n > 0) {
        qsort(lat, lat_n, sizeof *lat, cmp_u32);
        printf("RESULT p50_us %.2f\n", lat[lat_n / 2] / 1e3);
        printf("RESULT p99_us %.2f\n", lat[(size_t) (lat_n * 0.99)] / 1e3);
    }
}

/* ------------------------------------------------------------------ pipelined echo and bulk */

typedef struct {
    int fd;
    long pending;      /* bytes to send */
    long partial;      /* bytes of a message received so far (echo) */
    int want_out;
    int served;        /* got a reply during the measurement */
} conn_t;

static char *iobuf;
static size_t iobuf_len;

static void set_out(int ep, conn_t *c, int on) {
    if (c->want_out == on) return;
    c->want_out = on;
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl");
}

static void flush_conn(int ep, conn_t *c) {
    while (c->pending > 0) {
        size_t n = c->pending < (long) iobuf_len ? (size_t) c->pending : iobuf_len;
        ssize_t w = send(c->fd, iobuf, n, MSG_NOSIGNAL);
        if (w > 0) { c->pending -= w; continue; }
        if (w < 0 && errno == EAGAIN) break;
        die("send");
    }
    set_out(ep, c, c->pending > 0);
}

static void stream(int bulk) {
    int n = bulk ? 1 : conns, ep = epoll_create1(EPOLL_CLOEXEC);
    iobuf_len = bulk ? (size_t) size : 65536;
    iobuf = calloc(1, iobuf_len);
    conn_t *cs = calloc((size_t) n, sizeof *cs);
    for (int i = 0; i < n; i++) {
        cs[i].fd = tcp_connect();
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev) < 0) die("epoll_ctl");
    }
    phase_start();
    for (int i = 0; i < n; i++) {
        cs[i].pending = bulk ? (long) size : (long) depth * size;
        flush_conn(ep, &cs[i]);
    }
    struct epoll_event evs[256];
    double t = now();
    while (phase_tick(t)) {
        int k = epoll_wait(ep, evs, 256, 100);
        if (k < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < k; i++) {
            conn_t *c = evs[i].data.ptr;
            if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                ssize_t r = recv(c->fd, iobuf, iobuf_len, 0);
                if (r == 0) { errno = ECONNRESET; die("recv (server closed)"); }
                if (r < 0 && errno != EAGAIN) die("recv");
                if (r > 0) {
                    if (bulk) {
                        done_total += (uint64_t) r;
                    } else {
                        c->partial += r;
                        long whole = c->partial / size;
                        c->partial -= whole * size;
                        done_total += (uint64_t) whole;
                        c->pending += whole * size;
                        if (whole > 0 && measuring) c->served = 1;
                    }
                }
            }
            if (bulk) {
                if (c->pending < (long) size) c->pending = size;   /* always more to write */
                flush_conn(ep, c);
            } else if (c->pending > 0) {
                flush_conn(ep, c);
            }
        }
        t = now();
    }
    t = now();
    double rate = measured_rate(t);
    if (bulk) {
        printf("RESULT gbit_per_s %.3f\n", rate * 8 / 1e9);
    } else {
        int served = 0;
        for (int i = 0; i < n; i++) served += cs[i].served;
        printf("RESULT msgs_per_s %.1f\n", rate);
        printf("RESULT mb_per_s %.3f\n", rate * size / 1e6);
        printf("RESULT conns_served %d\n", served);   /* fewer than -c: the server starves some connections */
    }
}

/* ------------------------------------------------------------------ UDP echo */

static void udp(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), ep = epoll_create1(EPOLL_CLOEXEC);
    if (fd < 0) die("socket");
    struct sockaddr_in a = server_addr();
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) die("connect");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    char *buf = calloc(1, 65536);
    phase_start();
    int inflight = 0;
    double t = now(), last_reply = t;
    while (phase_tick(t)) {
        while (inflight < depth) {
            ssize_t w = send(fd, buf, (size_t) size, 0);
            if (w < 0) {
                if (errno == EAGAIN || errno == ECONNREFUSED || errno == ENOBUFS) break;
                die("send");
            }
            inflight++;
        }
        wait_fd(ep, 10);
        int got = 0;
        for (;;) {
            ssize_t r = recv(fd, buf, 65536, 0);
            if (r < 0) {
                if (errno == EAGAIN) break;
                if (errno == ECONNREFUSED) continue;   /* the server is not there yet */
                die("recv");
            }
            inflight--;
            got++;
            done_total++;
        }
        t = now();
        if (got > 0) last_reply = t;
        if (t - last_reply > 0.2) {   /* nothing back for 200 ms: count the window as lost and send again */
            inflight = 0;
            last_reply = t;
        }
        if (inflight < 0) inflight = 0;
    }
    t = now();
    printf("RESULT dgrams_per_s %.1f\n", measured_rate(t));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: loadgen pingpong|echo|bulk|udp -p port [-h host] [-c conns] [-d depth] [-s size] "
                        "[-w warm] [-t measure] [-i sample_ms]\n");
        return 2;
    }
    const char *mode = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        char o = argv[i][1];
        const char *v = argv[i + 1];
        switch (o) {
            case 'h': host = v; break;
            case 'p': port = atoi(v); break;
            case 'c': conns = atoi(v); break;
            case 'd': depth = atoi(v); break;
            case 's': size = atoi(v); break;
            case 'w': warm = atof(v); break;
            case 't': measure = atof(v); break;
            case 'i': sample_ms = atoi(v); break;
            default: fprintf(stderr, "unknown option %s\n", argv[i]); return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(mode, "pingpong") == 0) pingpong();
    else if (strcmp(mode, "echo") == 0) stream(0);
    else if (strcmp(mode, "bulk") == 0) stream(1);
    else if (strcmp(mode, "udp") == 0) udp();
    else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
    return 0;
}
