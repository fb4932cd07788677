/* Many threads in a few distinct stacks, then a crash: the grouped-stacks tests read its core.
 * argv[1] = threads per group (default 250). Groups: A (cond wait via park_a <- path_a), B (cond
 * wait via park_b <- mid_b <- path_b), C (nanosleep via nap <- path_c); one odd thread blocked in
 * read() on a pipe; the main thread crashes once all are parked. With a second argument ("live"),
 * it says "ready PID" first and "parked" once all are parked, then loops in all_parked for ever
 * (a live target to attach to and step). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int parked;
static int pipefd[2];

static void arrived(void) { pthread_mutex_lock(&m); parked++; pthread_mutex_unlock(&m); }

__attribute__((noinline)) static void park_a(void) { pthread_mutex_lock(&m); parked++; for (;;) pthread_cond_wait(&never, &m); }
__attribute__((noinline)) static void *path_a(void *x) { park_a(); return x; }
__attribute__((noinline)) static void park_b(void) { pthread_mutex_lock(&m); parked++; for (;;) pthread_cond_wait(&never, &m); }
__attribute__((noinline)) static void mid_b(void) { park_b(); __asm__ volatile(""); }
__attribute__((noinline)) static void *path_b(void *x) { mid_b(); return x; }
__attribute__((noinline)) static void nap(void) { arrived(); for (;;) { struct timespec t = {1000, 0}; nanosleep(&t, 0); } }
__attribute__((noinline)) static void *path_c(void *x) { nap(); return x; }
__attribute__((noinline)) static void *odd(void *x) { char c; arrived(); for (;;) read(pipefd[0], &c, 1); return x; }

__attribute__((noinline)) void all_parked(void) {
    volatile int steps = 0;
    for (;;) {
        steps++;            /* MARK:tick */
        steps += 2;         /* MARK:tock */
        usleep(20000);
    }
}

__attribute__((noinline)) void crash_now(int *p) { *p = 1; }

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 250;
    if (argc > 2) { printf("ready %d\n", (int)getpid()); fflush(stdout); }
    pipe(pipefd);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 65536);
    void *(*paths[3])(void *) = {path_a, path_b, path_c};
    pthread_t t;
    for (int g = 0; g < 3; g++) for (int i = 0; i < n; i++) pthread_create(&t, &at, paths[g], 0);
    pthread_create(&t, &at, odd, 0);
    for (;;) {
        pthread_mutex_lock(&m);
        int p = parked;
        pthread_mutex_unlock(&m);
        if (p == 3 * n + 1) break;
        usleep(1000);
    }
    usleep(100000);   /* the last arrivals reach their blocking call */
    if (argc > 2) { printf("parked\n"); fflush(stdout); all_parked(); }
    crash_now((int *)(argc > 5 ? (void *)argv : 0));
    return 0;
}
