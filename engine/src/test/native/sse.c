/* Known values in xmm registers, then a crash that keeps them (frame 0 is main); with an argument it
   prints "ready PID" and waits to be attached. */
#include <stdio.h>
#include <unistd.h>

static const double doubles[4] = {1.5, -2.25, 3.125, 1e100};
static const float floats[4] = {0.5f, 1.0f, -3.0f, 42.75f};

int main(int argc, char **argv) {
    if (argc > 1) {
        printf("ready %d\n", getpid());
        fflush(stdout);
        for (;;) pause();
    }
    __asm__ volatile(
        "movupd (%0), %%xmm0\n\t"
        "movupd 16(%0), %%xmm1\n\t"
        "movups (%1), %%xmm7\n\t"
        "movupd 16(%0), %%xmm15\n\t"
        "xorl %%eax, %%eax\n\t"
        "movl (%%rax), %%eax\n\t"   /* MARK:crash */
        :: "r"(doubles), "r"(floats) : "xmm0", "xmm1", "xmm7", "xmm15", "rax", "memory");
    return 0;
}
