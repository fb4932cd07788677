/* Crashes with SIGSEGV four calls deep; the faulting store is in an always-inlined function. */
#include <stdio.h>

static inline __attribute__((always_inline)) void store_value(int *p, int v) {
    *p = v; /* MARK:store */
}

__attribute__((noinline)) void level3(int *p) {
    store_value(p, 42); /* MARK:level3 */
}

__attribute__((noinline)) void level2(int *p) {
    level3(p); /* MARK:level2 */
    puts("not reached");
}

__attribute__((noinline)) void level1(int *p) {
    level2(p); /* MARK:level1 */
    puts("not reached");
}

int main(int argc, char **argv) {
    int *target = argc > 100 ? (int *)argv : (int *)0;
    level1(target); /* MARK:main */
    return 0;
}
