/* A crash for every architecture: built with a cross compiler and run under qemu-user, whose
 * guest core (qemu_PROG_DATE_PID.core) the foreign-architecture tests read. The main thread
 * crashes two calls deep (leaf <- middle <- main) while a second thread sleeps. */
#include <pthread.h>
#include <unistd.h>

static volatile int stop;

__attribute__((noinline)) void leaf(int *p) { *p = 42; }
__attribute__((noinline)) void middle(int *p) { leaf(p); __asm__ volatile(""); }

static void *worker(void *a) {
    while (!stop) usleep(1000);
    return a;
}

int main(int argc, char **argv) {
    pthread_t t;
    pthread_create(&t, 0, worker, 0);
    usleep(20000);
    middle((int *)(argc > 5 ? (void *)argv : 0));
    return 0;
}
