/*
 * A function without unwind information between main and a crash: nocfi_fn is written in
 * assembly without .cfi directives, so no FDE covers it, but it keeps a frame pointer. Unwinders
 * step from nocfi_fn to main with the frame pointer (libdwfl's fallback); every other step has CFI.
 * Aborts in blocker() (for a core).
 */
#include <stdio.h>
#include <stdlib.h>

void __attribute__((noinline)) blocker(void)
{
    fflush(stdout);
    abort();
}

__asm__(".text\n"
        ".globl nocfi_fn\n"
        ".type nocfi_fn, @function\n"
        "nocfi_fn:\n"
        "    push %rbp\n"
        "    mov %rsp, %rbp\n"
        "    call blocker\n"
        "    pop %rbp\n"
        "    ret\n"
        ".size nocfi_fn, .-nocfi_fn\n");
void nocfi_fn(void);

int main(void)
{
    nocfi_fn();
    return 0;
}
