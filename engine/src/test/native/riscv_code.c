/* Code for the RISC-V disassembler's test: integer, multiply/divide, atomics, single and double
 * floating point with their conversions and rounding modes, the floating-point CSRs and a jump
 * table. No headers, so that it builds for RV64 (linked) and RV32 (-c) with one cross compiler. */
typedef unsigned long ulong;

static volatile long counter;
static volatile int flag;

__attribute__((noinline)) long mix(long a, long b, unsigned u) {
    long r = a * b + a / (b | 1) - a % (b | 3);
    r ^= (long)(u >> 3) | (r << 7);
    r += (unsigned long)a / (unsigned long)(b | 5) + (unsigned long)a % 7u;
    return r + (int)(a >> 21) + (long)((int)u * (int)b);
}

__attribute__((noinline)) double floats(double x, float y, long n, unsigned long un) {
    double d = x * y + (double)n / (x + 1.0) - (double)un;
    float f = y * 3.0f - (float)n + (float)un;
    d = __builtin_fma(d, x, -y) + __builtin_sqrt(d < 0 ? -d : d) + __builtin_fabs(x) + __builtin_copysign(d, y);
    f = __builtin_fmaf(f, y, 1.5f) + __builtin_sqrtf(f < 0 ? -f : f);
    long l = (long)d + (long)__builtin_lround(d) + (int)f + (unsigned)(d > 0 ? d : 0);
    return d + f + (double)l + (x < y) + (x <= d) + (x == d) + __builtin_fmin(d, x) + __builtin_fmaxf(f, y);
}

__attribute__((noinline)) long atomics(long v) {
    long old = __atomic_fetch_add(&counter, v, __ATOMIC_SEQ_CST);
    old += __atomic_exchange_n(&counter, old, __ATOMIC_ACQUIRE);
    long expected = old;
    __atomic_compare_exchange_n(&counter, &expected, v, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    __atomic_fetch_or(&flag, 4, __ATOMIC_RELEASE);
    __atomic_fetch_and(&flag, 6, __ATOMIC_RELAXED);
    __atomic_fetch_xor(&flag, 1, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return old + expected + __atomic_load_n(&counter, __ATOMIC_ACQUIRE);
}

__attribute__((noinline)) unsigned long csrs(unsigned long mode) {
    unsigned long fcsr, frm, flags, cycle;
    __asm__ volatile("frcsr %0" : "=r"(fcsr));
    __asm__ volatile("frrm %0" : "=r"(frm));
    __asm__ volatile("fsrm %0" : : "r"(mode & 7));
    __asm__ volatile("frflags %0" : "=r"(flags));
    __asm__ volatile("fsflags %0" : : "r"(flags));
    __asm__ volatile("rdcycle %0" : "=r"(cycle));
    __asm__ volatile("fence.i" ::: "memory");
    __asm__ volatile("fcvt.w.d %0, fa0, rtz" : "=r"(flags));
    return fcsr + frm + flags + cycle;
}

__attribute__((noinline)) int pick(int k, int v) {
    switch (k) {
    case 0: return v + 1;
    case 1: return v * 3;
    case 2: return v - 7;
    case 3: return v << 2;
    case 4: return v ^ 0x55;
    case 5: return -v;
    case 6: return v >> 1;
    default: return !v;
    }
}

int main(int argc, char **argv) {
    long r = mix(argc, (long)argv, (unsigned)argc);
    r += (long)floats(argc, 2.5f, r, (unsigned long)r);
    r += atomics(r) + (long)csrs((unsigned long)argc) + pick(argc, (int)r);
    return (int)(r & 1);
}
