/* The library relativelib.c loads by a relative name; its function stores through the pointer it is given. */
__attribute__((noinline)) void fault_in_library(volatile int *p) { *p = 42; }
