/*
 * Sextant's demo crash: a small "request server" whose worker threads wait for work while one
 * request handler dereferences a bad pointer in an inlined helper. The launcher compiles it,
 * lets it crash, and opens the core so a newcomer sees every view filled in.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct request { const char *path; int *counter; };

static int pipe_fd[2];
static atomic_int idle_workers;

static inline __attribute__((always_inline)) void count_hit(struct request *r) {
    (*r->counter)++; /* the bad pointer is dereferenced here */
}

__attribute__((noinline)) int handle_request(struct request *r) {
    count_hit(r);
    return (int)strlen(r->path);
}

__attribute__((noinline)) int dispatch(struct request *r) {
    return handle_request(r) + 1;
}

__attribute__((noinline)) void wait_for_work(int id) {
    char c;
    atomic_fetch_add(&idle_workers, 1);
    while (read(pipe_fd[0], &c, 1) > 0) printf("worker %d woke\n", id);
}

__attribute__((noinline)) void *worker_main(void *arg) {
    wait_for_work((int)(long)arg);
    return NULL;
}

int main(void) {
    enum { WORKERS = 6 };
    if (pipe(pipe_fd) != 0) return 1;
    for (long i = 0; i < WORKERS; i++) {
        pthread_t t;
        pthread_create(&t, NULL, worker_main, (void *)i);
    }
    while (atomic_load(&idle_workers) < WORKERS) usleep(1000);
    usleep(20000);
    struct request bad = { "/index.html", NULL };
    return dispatch(&bad);
}
