/* PID 1 of a Docker-backend container: runs the program with its stdio on the files under /rlvr-io
 * and its rlimits, waits for it, kills whatever it left behind, and reports its wait status and
 * resource usage on the container's stdout. The program cannot forge the report: its own stdout
 * and stderr are files, and this process is not dumpable, so /proc/1/fd is closed to it.
 *
 * argv: runner CPU_SECONDS FILE_SIZE_BYTES ADDRESS_SPACE_BYTES(0: none) -- PROGRAM [ARGS...]
 * Built statically on the host (it is compiled as C++17, hence the C-only subset). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static void limit(int resource, unsigned long long value) {
    struct rlimit r;
    r.rlim_cur = value;
    r.rlim_max = value;
    setrlimit(resource, &r);
}

static long long micros(struct timeval t) {
    return (long long)t.tv_sec * 1000000LL + (long long)t.tv_usec;
}

int main(int argc, char **argv) {
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: runner CPU FSIZE AS -- PROGRAM [ARGS...]\n");
        return 2;
    }
    prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
    unsigned long long cpu = strtoull(argv[1], NULL, 10);
    unsigned long long fsize = strtoull(argv[2], NULL, 10);
    unsigned long long as = strtoull(argv[3], NULL, 10);
    int report = fcntl(1, F_DUPFD_CLOEXEC, 10);
    if (report < 0) {
        return 3;
    }
    pid_t child = fork();
    if (child < 0) {
        dprintf(report, "rlvr-runner fork %d\n", errno);
        return 1;
    }
    if (child == 0) {
        int in = open("/rlvr-io/stdin", O_RDONLY);
        int out = open("/rlvr-io/stdout", O_WRONLY | O_TRUNC);
        int err = open("/rlvr-io/stderr", O_WRONLY | O_TRUNC);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
            dup2(err, 2) < 0) {
            dprintf(report, "rlvr-runner setup %d\n", errno);
            _exit(127);
        }
        close(in);
        close(out);
        close(err);
        limit(RLIMIT_CPU, cpu);
        limit(RLIMIT_FSIZE, fsize);
        limit(RLIMIT_CORE, 0);
        limit(RLIMIT_NOFILE, 256);
        limit(RLIMIT_STACK, 64ULL << 20);
        if (as != 0) {
            limit(RLIMIT_AS, as);
        }
        setsid();
        execv(argv[5], argv + 5);
        dprintf(report, "rlvr-runner exec %d\n", errno);
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof usage);
    while (wait4(child, &status, 0, &usage) < 0) {
        if (errno != EINTR) {
            dprintf(report, "rlvr-runner wait %d\n", errno);
            return 1;
        }
    }
    /* Children the program left behind die before the report is written. */
    kill(-1, SIGKILL);
    dprintf(report, "rlvr-report %d %lld %lld %ld\n", status, micros(usage.ru_utime),
            micros(usage.ru_stime), usage.ru_maxrss);
    return 0;
}
