#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
static void __attribute__((noinline)) level3(int i) { for (;;) pause(); }
static void __attribute__((noinline)) level2(int i) { level3(i + 1); asm volatile(""); }
static void __attribute__((noinline)) level1(int i) { level2(i + 1); asm volatile(""); }
static void *worker(void *arg) { level1((int)(long)arg); return NULL; }
int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20;
    pthread_t *t = calloc(n, sizeof *t);
    for (int i = 0; i < n; i++) pthread_create(&t[i], NULL, worker, (void *)(long)i);
    printf("ready %d\n", getpid()); fflush(stdout);
    for (;;) pause();
}
