/* Built twice (libdupa.so, libdupb.so): both define dup_fn, so a name lookup finds it in two modules. */
int dup_fn(int x) {
    return x + DUP_DELTA;
}
