/*
 * x86 code without a libc (issue 22 item 4): built as an i386 and an x32 object
 * (gcc -m32 / -mx32 -O1 -c; no multilib libc is needed, nothing is linked) for the
 * disassembly tests, which compare Sextant's listing with objdump -d -M intel.
 * Arithmetic, a loop, a switch that becomes a jump table, calls between the functions,
 * floating point, a call through a function pointer and a global array.
 */

int table[64];
long long wide = 0x123456789abcdefLL;
double scale = 1.5;

typedef int (*step_fn)(int, int);

__attribute__((noinline)) int mix(int a, int b) {
    return (a * 31 + b) ^ (a >> 3) ^ (b << 5);
}

__attribute__((noinline)) int sub_step(int a, int b) { return a - b * 7; }

__attribute__((noinline)) unsigned divide(unsigned a, unsigned b) { return b ? a / b + a % b : 0; }

__attribute__((noinline)) long long widen(long long a, int s) { return (a << s) + wide * a - (a >> 2); }

__attribute__((noinline)) int sum_table(int n) {
    int s = 0;
    for (int i = 0; i < n && i < 64; i++) s += table[i] * (i + 1);
    return s;
}

__attribute__((noinline)) void fill_table(int seed) {
    for (int i = 0; i < 64; i++) table[i] = mix(seed, i) & 0xff;
}

__attribute__((noinline)) int classify(int k) {
    switch (k) {
    case 0: return 17;
    case 1: return mix(k, 3);
    case 2: return 99;
    case 3: return table[5] + 4;
    case 4: return sub_step(k, 2);
    case 5: return -8;
    case 6: return table[k] * 3;
    case 7: return 1234;
    case 8: return k << 9;
    default: return -1;
    }
}

__attribute__((noinline)) double average(const double *v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i] * scale;
    return n ? s / n : 0.0;
}

__attribute__((noinline)) float blend(float a, float b, float t) { return a + (b - a) * t; }

__attribute__((noinline)) int to_int(double d) { return (int) (d * 100.0 + 0.5); }

__attribute__((noinline)) int apply(step_fn f, int a, int b) { return f(a, b) + f(b, a); }

__attribute__((noinline)) void copy_words(int *dst, const int *src, int n) {
    while (n-- > 0) *dst++ = *src++;
}

static step_fn steps[] = {mix, sub_step};

int run_all(int seed) {
    fill_table(seed);
    int r = sum_table(40);
    for (int k = 0; k < 10; k++) r += classify(k);
    r += apply(steps[seed & 1], r, seed);
    double v[4] = {1.0, 2.5, (double) r, 4.0};
    r += to_int(average(v, 4));
    r += (int) blend(1.0f, (float) seed, 0.25f);
    r += (int) divide((unsigned) r, 7u);
    r += (int) widen(r, seed & 7);
    copy_words(table + 8, table, 8);
    return r;
}
