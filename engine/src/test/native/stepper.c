/* Steps and breakpoints are compared with gdb's on this program. */
#include <stdio.h>

static int square(int v)
{
    int r = v * v;
    return r;
}

int compute(int a, int b)
{
    int s = a + b;
    int q = square(s);
    s = s + q;
    return s;
}

int main(void)
{
    int total = 0;
    for (int i = 0; i < 3; i++) {
        total += compute(i, 2);
    }
    printf("%d\n", total);
    return 0;
}
