/* For bench/crashes.sh: touches MIB mebibytes of heap (default 1024) with data that compresses
 * about as a real heap does (a random head on each page, text after it), then dies of SIGSEGV,
 * so that its core is that big. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void crash_here(volatile int *p) { *p = 1; }

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], 0, 10) : 1024;
    size_t n = mib << 20;
    unsigned char *heap = malloc(n);
    if (!heap) return 2;
    static const char text[] = "order 42 shipped to warehouse 7; status=ok; retries=0; ";
    uint64_t x = 88172645463325252ull;
    for (size_t page = 0; page < n; page += 4096) {
        for (size_t i = 0; i < 512; i += 8) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            memcpy(heap + page + i, &x, 8);
        }
        for (size_t i = 512; i < 4096; i++) heap[page + i] = text[(i + page / 4096) % (sizeof text - 1)];
    }
    printf("%p\n", (void *)heap);
    crash_here(0);
    return 0;
}
