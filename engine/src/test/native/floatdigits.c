/* C's own digits for FloatFormatTest: finite floats, doubles and x87 long doubles as printf's
 * %.9g, %.17g and %.21Lg print them (gdb prints with these), each after its bytes in hex
 * (little-endian, as in memory). Chosen values (halfway cases, subnormals, extremes, powers of
 * two and ten, near-nines) and xorshift bit patterns; NaNs and infinities are left out (gdb and
 * printf spell them differently). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static void hex(const void *p, size_t n) {
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
}

static void f(float v) {
    if (!isfinite(v)) return;
    printf("f ");
    hex(&v, 4);
    printf(" %.9g\n", v);
}

static void d(double v) {
    if (!isfinite(v)) return;
    printf("d ");
    hex(&v, 8);
    printf(" %.17g\n", v);
}

static void x(long double v) {
    if (!isfinite(v)) return;
    printf("x ");
    hex(&v, 10);
    printf(" %.21Lg\n", v);
}

int main(void) {
    double chosen[] = {0.0, -0.0, 0.1, -0.1, 0.5, 1.0, 1.5, 2.5, 3.14, 1e100, 1e-5, 1e-4, 9.9999e-5, 123456789012345678.0,
                       1e16, 1e17, 99999999999999999.0, 0.3, 2.0 / 3.0, 1e308, DBL_MAX, DBL_MIN, 4.9e-324, 2.2250738585072009e-308,
                       9.5, 0.125, 1024.0, 5e-324, 1.0 / 3.0, 100.0, 12345.678};
    for (size_t i = 0; i < sizeof chosen / sizeof chosen[0]; i++) {
        d(chosen[i]);
        f((float) chosen[i]);
        x((long double) chosen[i]);
        x((long double) chosen[i] / 3.0L);
    }
    f(FLT_MAX);
    f(FLT_MIN);
    f(1e-45f);
    f(16777217.0f);
    f(0.1f);
    x(LDBL_MAX);
    x(LDBL_MIN);
    x(0.1L);
    for (int e = -40; e <= 40; e++) {
        d(ldexp(1.0, e * 25));
        d(pow(10.0, e * 7));
        f(ldexpf(1.0f, e * 3));
        x(ldexpl(1.0L, e * 400));
    }
    for (int i = 0; i < 3000; i++) {
        uint64_t r = next();
        double dv;
        memcpy(&dv, &r, 8);
        d(dv);
        uint32_t r32 = (uint32_t) (r >> 16);
        float fv;
        memcpy(&fv, &r32, 4);
        f(fv);
        long double xv = 0;
        unsigned char b[16] = {0};
        uint64_t m = next() | (1ull << 63);        /* a normal: the explicit integer bit set */
        uint16_t se = (uint16_t) (next() % 0x7fff);
        if (se == 0) m &= ~(1ull << 63);           /* a denormal */
        if (i % 2) se |= 0x8000;
        memcpy(b, &m, 8);
        memcpy(b + 8, &se, 2);
        memcpy(&xv, b, sizeof xv < 16 ? sizeof xv : 16);
        x(xv);
    }
    return 0;
}
