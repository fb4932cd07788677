/* Threads blocked several calls deep in different system calls: a pipe read, a sleep, a
 * condition wait; main in pause. Prints "ready PID" once every thread is about to block, then
 * the address of a function (for a page of program text) and of a marker string. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
static int fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static atomic_int arrived;
char marker[] = "sextant-live-dump-marker";

static void __attribute__((noinline)) read_leaf(void) { char c; atomic_fetch_add(&arrived, 1); read(fds[0], &c, 1); asm volatile(""); }
static void __attribute__((noinline)) read_mid(void) { read_leaf(); asm volatile(""); }
static void __attribute__((noinline)) read_top(void) { read_mid(); asm volatile(""); }
static void __attribute__((noinline)) sleep_leaf(void) {
    struct timespec ts = {3600, 0};
    atomic_fetch_add(&arrived, 1);
    for (;;) nanosleep(&ts, 0);
}
static void __attribute__((noinline)) sleep_mid(void) { sleep_leaf(); asm volatile(""); }
static void __attribute__((noinline)) wait_leaf(void) {
    pthread_mutex_lock(&lock);
    atomic_fetch_add(&arrived, 1);
    for (;;) pthread_cond_wait(&never, &lock);
}
static void __attribute__((noinline)) wait_mid(void) { wait_leaf(); asm volatile(""); }
static void __attribute__((noinline)) wait_top(void) { wait_mid(); asm volatile(""); }
static void *reader(void *a) { (void)a; read_top(); return 0; }
static void *sleeper(void *a) { (void)a; sleep_mid(); return 0; }
static void *waiter(void *a) { (void)a; wait_top(); return 0; }
static void __attribute__((noinline)) main_wait(void) { for (;;) pause(); }

int main(void) {
    pipe(fds);
    pthread_t t;
    pthread_create(&t, 0, reader, 0);
    pthread_create(&t, 0, sleeper, 0);
    pthread_create(&t, 0, waiter, 0);
    while (atomic_load(&arrived) < 3) usleep(1000);
    printf("ready %d\n%p %p\n", getpid(), (void *)read_mid, (void *)marker);
    fflush(stdout);
    main_wait();
}
