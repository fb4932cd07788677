/* dlopen/dlclose a library N times once the file argv[3] exists; prints each l_addr (dlinfo). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *lib = argv[1];
    int n = atoi(argv[2]);
    printf("ready %d\n", getpid());
    fflush(stdout);
    while (access(argv[3], F_OK) != 0) usleep(1000);
    for (int i = 0; i < n; i++) {
        void *h = dlopen(lib, RTLD_NOW);
        if (!h) { printf("error %s\n", dlerror()); return 1; }
        struct link_map *lm;
        dlinfo(h, RTLD_DI_LINKMAP, &lm);
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        printf("load %lx %lld\n", (unsigned long)lm->l_addr, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
        dlclose(h);
    }
    printf("done\n");
    fflush(stdout);
    for (;;) pause();
}
