/* Inlined calls two deep in a function of their own, for Breakpad INLINE records. */
#include <stdio.h>
#include <stdlib.h>
static inline __attribute__((always_inline)) int inner(int *p) { return *p * 3; } /* MARK:inner */
static inline __attribute__((always_inline)) int outer(int *p) { return inner(p) + 7; } /* MARK:outer */
__attribute__((noinline)) int crash_here(int *p) { int v = outer(p); printf("%d\n", v); return v; } /* MARK:crash_here */
__attribute__((noinline)) int twice(int *p) { return crash_here(p) + crash_here(p + 1); }
int main(int argc, char **argv) { int a[2] = {argc, argc + 1}; return twice(argc > 5 ? a : NULL); }
