/* Source view and frame selection: a three-deep call chain that crashes in the innermost frame,
   with values kept in callee-saved registers across the calls. */
#include <stdio.h>
#include <stdlib.h>

static volatile int sink;

__attribute__((noinline)) void crash_in_leaf(int *p, int v) {
    *p = v; /* MARK:crash */
}

__attribute__((noinline)) int middle(int depth, int *p) {
    int k = depth * 3 + sink;
    crash_in_leaf(p, k); /* MARK:middle */
    return k + 1;
}

__attribute__((noinline)) int outer(int argc) {
    int total = 0;
    for (int i = 0; i < argc; i++) total += i;
    total += middle(total, argc > 100 ? &total : NULL); /* MARK:outer */
    return total;
}

int main(int argc, char **argv) {
    (void) argv;
    int r = outer(argc);
    printf("%d\n", r); /* MARK:main */
    return 0;
}
