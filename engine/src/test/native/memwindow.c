/*
 * Memory for the Memory view's tests: a global marker, and three pages of which the middle one
 * is unmapped (a hole between two mapped pages). Prints the addresses, then waits.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

unsigned char memory_marker[32] = "sextant-memory-marker-0123456789";
volatile long memory_counter;

void __attribute__((noinline)) memory_tick(void)
{
    memory_counter++;
}

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    for (long i = 0; i < page; i++) p[i] = (unsigned char)(i * 7);
    for (long i = 0; i < page; i++) p[2 * page + i] = (unsigned char)(255 - i);
    munmap(p + page, page);
    printf("ready %d\n", getpid());
    printf("marker %p pages %p %ld\n", (void *)memory_marker, (void *)p, page);
    fflush(stdout);
    for (;;) {
        memory_tick();
        usleep(2000);
    }
}
