/* A different library under faultlib.c's file name, for a current directory that must not be searched. */
__attribute__((noinline)) void not_the_crash(volatile int *p) { *p = 7; }
__attribute__((noinline)) void fault_in_library(volatile int *p) { not_the_crash(p + 1); }
