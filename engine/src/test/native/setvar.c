/* Editing a live target's locals (issue 17): `setvar` prints "ready PID", then spins in main until its
 * local `waiting` becomes 0 (the test writes it through ptrace), then prints its other locals, which the
 * test changed too. Left alone it never ends: the test kills it. */
#include <stdio.h>
#include <unistd.h>

enum colour { RED, GREEN, BLUE };

int main(void)
{
    volatile int waiting = 1;
    int count = 7;
    long big = -5;
    unsigned short small = 9;
    double ratio = 0.5;
    char letter = 'a';
    enum colour colour = RED;
    const char *text = "text";
    printf("ready %d\n", (int) getpid());
    fflush(stdout);
    while (waiting) usleep(1000);
    printf("count=%d big=%ld small=%u ratio=%g letter=%c colour=%d text=%s\n",
           count, big, (unsigned) small, ratio, letter, (int) colour, text);
    return 0;
}
