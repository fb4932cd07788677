/* Whether this machine delivers x86-64 debug-register traps to a tracer: prints "trap" or "no trap".
 * Some hypervisors (Firecracker) accept PTRACE_POKEUSER of DR0/DR7 but never raise the trap; gdb's
 * hardware watchpoints then stay silent too. Tests of data watchpoints skip where this says "no trap". */
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

volatile int var;

int main(void) {
    pid_t p = fork();
    if (p == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        var = 5;
        _exit(0);
    }
    int st;
    waitpid(p, &st, 0);
    ptrace(PTRACE_POKEUSER, p, offsetof(struct user, u_debugreg[0]), (void *) &var);
    ptrace(PTRACE_POKEUSER, p, offsetof(struct user, u_debugreg[7]), (void *) (1L | (0x1L | 0x3L << 2) << 16));
    ptrace(PTRACE_CONT, p, 0, 0);
    waitpid(p, &st, 0);
    if (WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP) {
        puts("trap");
        kill(p, SIGKILL);
        waitpid(p, &st, 0);
    } else {
        puts("no trap");
    }
    return 0;
}
