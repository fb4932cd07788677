/* Breakpoints on instructions the debugger runs itself when resuming (StepOverEmulation) and on one
 * it single-steps: kernel() is one of each kind, each at a global label (so nm gives its address).
 *   stepover [N]: calls kernel N times; prints a checksum of what it computed and the global. */
#include <stdio.h>
#include <stdlib.h>

long counter = 100;
long kernel(long a, long *p);

__asm__(
    ".text\n.globl kernel\n.type kernel, @function\nkernel:\n"
    ".globl k_endbr\nk_endbr: endbr64\n"
    ".globl k_push\nk_push: push %rbp\n"
    ".globl k_movrr\nk_movrr: mov %rsp,%rbp\n"
    ".globl k_store64\nk_store64: mov %rdi,-8(%rbp)\n"
    ".globl k_storeimm\nk_storeimm: movl $7,-12(%rbp)\n"
    ".globl k_load32\nk_load32: mov -12(%rbp),%eax\n"
    ".globl k_leasib\nk_leasib: lea 3(%rax,%rdi,2),%rdx\n"
    ".globl k_load64\nk_load64: mov -8(%rbp),%rcx\n"
    ".globl k_store32\nk_store32: mov %edx,(%rsi)\n"
    ".globl k_store64b\nk_store64b: mov %rcx,8(%rsi)\n"
    ".globl k_riprd\nk_riprd: mov counter(%rip),%r8\n"
    ".globl k_immreg\nk_immreg: movq $-5,%r9\n"
    "add %r9,%r8\n"
    ".globl k_ripwr\nk_ripwr: mov %r8,counter(%rip)\n"
    ".globl k_pushr12\nk_pushr12: push %r12\n"
    "pop %r12\n"
    ".globl k_nopw\nk_nopw: nopw 0x0(%rax,%rax,1)\n"
    ".globl k_nopl\nk_nopl: nopl 0x0(%rax)\n"
    ".globl k_rsp\nk_rsp: mov 8(%rsp),%r10\n"
    ".globl k_mov32\nk_mov32: mov %r10d,%r11d\n"
    "lea (%rdx,%rcx),%rax\n"
    "add %r11,%rax\n"
    "pop %rbp\n"
    "ret\n"
    ".size kernel, .-kernel\n");

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 50;
    long buf[2] = {0, 0};
    long sum = 0;
    for (int i = 0; i < n; i++) sum += kernel(i, buf) * 7 + buf[0] * 3 + buf[1];
    printf("sum %ld counter %ld\n", sum, counter);
    return 0;
}
