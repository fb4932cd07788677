/*
 * Sextant's demo target: a few threads doing recognisable work, a plugin library loaded and
 * unloaded every second (so the Modules view and the symbol-state log move), and a function
 * worth a breakpoint: process_order().
 *
 * Build (the GUI does this when started without arguments):
 *   cc -g -O0 -pthread -o sextant-demo demo.c -ldl
 *   cc -g -O0 -shared -fPIC -o libsextant-demo-plugin.so plugin.c
 * The plugin is looked up next to the executable.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile long orders_done;
static volatile long primes_found;

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Set a breakpoint here: called every 200 ms by the order thread, with an increasing id. */
long process_order(int id, int quantity)
{
    long total = 0;
    for (int i = 1; i <= quantity; i++)
        total += (long)id * i;
    orders_done++;
    return total;
}

static void *order_thread(void *arg)
{
    (void)arg;
    for (int id = 1;; id++) {
        long t = process_order(id, id % 7 + 1);
        if (id % 25 == 0)
            printf("order %d total %ld\n", id, t);
        pause_ms(200);
    }
    return NULL;
}

static int is_prime(long n)
{
    if (n < 2) return 0;
    for (long d = 2; d * d <= n; d++)
        if (n % d == 0) return 0;
    return 1;
}

static void *prime_thread(void *arg)
{
    long start = (long)arg;
    for (long n = start;; n++) {
        if (is_prime(n)) primes_found++;
        if (n % 5000 == 0) pause_ms(50);
    }
    return NULL;
}

static void *sleeper_thread(void *arg)
{
    (void)arg;
    for (;;) pause_ms(1000);
    return NULL;
}

static void plugin_path(char *out, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) { snprintf(out, size, "./libsextant-demo-plugin.so"); return; }
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (slash) *slash = 0;
    snprintf(out, size, "%s/libsextant-demo-plugin.so", exe);
}

int main(void)
{
    pthread_t t;
    pthread_create(&t, NULL, order_thread, NULL);
    pthread_setname_np(t, "orders");
    pthread_create(&t, NULL, prime_thread, (void *)1000000L);
    pthread_setname_np(t, "primes");
    pthread_create(&t, NULL, sleeper_thread, NULL);
    pthread_setname_np(t, "sleeper");

    char path[PATH_MAX];
    plugin_path(path, sizeof path);
    printf("demo %d: plugin %s\n", getpid(), path);
    fflush(stdout);
    for (int round = 1;; round++) {
        void *h = dlopen(path, RTLD_NOW);
        if (!h) {
            fprintf(stderr, "demo: %s\n", dlerror());
            pause_ms(1000);
            continue;
        }
        int (*describe)(int) = (int (*)(int))dlsym(h, "plugin_describe");
        if (describe) describe(round);
        pause_ms(500);
        dlclose(h);
        pause_ms(500);
    }
}
