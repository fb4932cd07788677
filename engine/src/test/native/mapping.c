/* Data in code for the ARM and AArch64 mapping-symbol tests ($a, $t, $x code, $d data): ARM and
 * Thumb functions that load addresses and constants from literal pools after their code, a Thumb
 * switch whose tbb table of bytes follows the branch, and a hand-written function per architecture
 * with a pool that ends in a .short (objdump: .word, then .short). Built at -O1 for arm and aarch64. */
#include <stdio.h>

int counter, other[4];

#if defined(__arm__)
__attribute__((target("arm"), noinline)) int *arm_pool(int i) { counter += i; return &other[i & 3]; }
__attribute__((target("thumb"), noinline)) int *thumb_pool(int i) { other[1] = i; return &counter; }
__attribute__((target("thumb"), noinline)) int thumb_switch(int i) {
    switch (i) {
    case 0: return counter;
    case 1: return other[0] + 3;
    case 2: return other[1] * 5;
    case 3: return other[2] - 7;
    case 4: return 11;
    case 6: return other[3] ^ 13;
    default: return -1;
    }
}
__asm__(".text\n.align 2\n.arm\n.global hand_pool\n.type hand_pool, %function\nhand_pool:\n"
        "  ldr r0, 1f\n  bx lr\n1: .word 0xdeadbeef\n  .short 0x1234\n  .align 2\n.size hand_pool, .-hand_pool\n"
        ".thumb\n.global hand_thumb\n.type hand_thumb, %function\n.thumb_func\nhand_thumb:\n"
        "  ldr r0, 2f\n  bx lr\n.align 2\n2: .word 0xcafef00d\n.size hand_thumb, .-hand_thumb\n.arm\n");
#elif defined(__aarch64__)
__asm__(".text\n.align 2\n.global hand_pool\n.type hand_pool, %function\nhand_pool:\n"
        "  ldr w0, 1f\n  ret\n1: .word 0xdeadbeef\n  .short 0x1234\n  .align 2\n.size hand_pool, .-hand_pool\n");
__attribute__((noinline)) int *arm_pool(int i) { counter += i; return &other[i & 3]; }
#endif

int hand_pool(void);

int main(int argc, char **argv) {
    printf("%p %d\n", (void *)arm_pool(argc), hand_pool());
#if defined(__arm__)
    printf("%p %d\n", (void *)thumb_pool(argc), thumb_switch(argc));
#endif
    return 0;
}
