/* Crashes in one of three distinct ways, chosen by argv[1], for the crash inbox's grouping:
 * "segv" stores through a null pointer, "abort" fails an invariant check and calls abort(),
 * "fpe" divides by zero. Each way has its own functions, so each has its own signature. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) void store_into(int *slot, int value) {
    *slot = value; /* MARK:store */
}

__attribute__((noinline)) void fill_table(int **table, int n) {
    for (int i = 0; i < n; i++) store_into(table[i], i);
}

__attribute__((noinline)) void check_invariant(int ok) {
    if (!ok) abort(); /* MARK:abort */
}

__attribute__((noinline)) void validate_order(int items) {
    check_invariant(items > 0);
}

__attribute__((noinline)) int divide_evenly(int total, int parts) {
    return total / parts; /* MARK:divide */
}

__attribute__((noinline)) int share_of(int total, int parts) {
    return divide_evenly(total, parts) + 1;
}

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "segv";
    volatile int zero = 0;
    if (strcmp(how, "abort") == 0) {
        validate_order(zero);
    } else if (strcmp(how, "fpe") == 0) {
        printf("%d\n", share_of(100, zero));
    } else {
        int *table[2] = {0, 0};
        fill_table(table, 2 + zero);
    }
    return 0;
}
