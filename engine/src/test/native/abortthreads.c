/* Starts N threads (argv[1], default 50) that block three calls deep in read(2), then aborts. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <time.h>

static int block_fd[2];
static atomic_int ready;

__attribute__((noinline)) void wait_here(void) {
    char c;
    atomic_fetch_add(&ready, 1);
    for (;;) read(block_fd[0], &c, 1); /* MARK:wait_here */
}

__attribute__((noinline)) void middle(void) {
    wait_here(); /* MARK:middle */
}

__attribute__((noinline)) void *worker(void *arg) {
    (void)arg;
    middle(); /* MARK:worker */
    return 0;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 50;
    if (pipe(block_fd) != 0) return 2;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker, 0) != 0) return 3;
    }
    while (atomic_load(&ready) < n) usleep(1000);
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, 0); /* let every thread enter read(2) */
    abort(); /* MARK:abort */
}
