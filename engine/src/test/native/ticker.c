/* Calls tick() every 2 ms and prints a counter every 100 ticks; a breakpoint target that keeps running. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

volatile long counter;

void __attribute__((noinline)) tick(int step)
{
    counter += step;
    if (counter % 100 == 0) {
        printf("tick %ld\n", counter);
        fflush(stdout);
    }
}

int main(void)
{
    struct timespec ts = {0, 2000000};
    printf("ready %d\n", getpid());
    fflush(stdout);
    for (;;) {
        tick(1);
        nanosleep(&ts, NULL);
    }
}
