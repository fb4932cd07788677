/* The demo's plugin: loaded and unloaded every second by demo.c. */
#include <stdio.h>

static int calls;

int plugin_describe(int round)
{
    calls++;
    if (round % 10 == 0) {
        printf("plugin round %d (%d calls in this load)\n", round, calls);
        fflush(stdout);
    }
    return calls;
}
