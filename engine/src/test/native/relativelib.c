/* Loads ./libfaultlib.so by a relative name (the dynamic linker's list then names it "./libfaultlib.so")
 * and crashes inside it: the core whose link map holds a relative name (issue 15). */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    void *lib = dlopen("./libfaultlib.so", RTLD_NOW);
    if (!lib) { fprintf(stderr, "%s\n", dlerror()); return 2; }
    void (*fault)(int *) = (void (*)(int *)) dlsym(lib, "fault_in_library");
    if (!fault) return 3;
    fault(0);
    return 0;
}
