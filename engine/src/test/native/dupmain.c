/* Links libdupa.so and libdupb.so (both define dup_fn), then crashes. */
int dup_fn(int x);

__attribute__((noinline)) void crash_here(int *p, int v) {
    *p = v; /* MARK:crash */
}

int main(int argc, char **argv) {
    int v = dup_fn(argc);
    crash_here(argc > 100 ? (int *)argv : (int *)0, v);
    return 0;
}
