/* Many kinds of variables for the Variables view and `sextant locals`, checked against gdb.
 * `state crash` crashes in inner() with every thread parked; `state wait` parks and waits to be
 * attached (then SIGSEGV is raised with `kill`). */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum color { RED, GREEN = 5, BLUE };
enum flags { F_READ = 1, F_WRITE = 2, F_EXEC = 4 };
struct point { int x; int y; };
struct shape {
    char name[16];
    struct point corners[2];
    enum color color;
    unsigned int visible : 1;
    int depth : 5;
    unsigned int layer : 10;
    union { int as_int; float as_float; } u;
    const char *label;
    double weight;
    struct shape *next;
};
typedef struct point point_t;
typedef int (*binop)(int, int);

char book[32] = "The Book";
struct point origin = {3, -4};
static int counter = 42;
pthread_barrier_t parked;

static int add(int a, int b) { return a + b; }

static void __attribute__((noinline)) inner(struct shape *s, const char *why, int depth, binop op)
{
    char letter = 'Q';
    unsigned char byte = 200;
    short small = -12;
    long big = -1234567890123L;
    unsigned long ubig = 18446744073709551615UL;
    float f = 2.5f;
    double pi = 3.14159;
    long double ld = 1.25L;
    bool yes = true;
    enum color c = BLUE;
    enum flags fl = F_READ | F_EXEC;
    int grid[2][3] = {{1, 2, 3}, {4, 5, 6}};
    int zeros[20] = {0};
    char text[12] = "hi";
    point_t p = {7, 8};
    int *ip = &origin.x;
    char *bp = book;
    void *nothing = NULL;
    static int calls = 9;
    calls++;
    {
        int inner_block = depth * 2;
        const char *msg = why;
        if (op(inner_block, 1) > 0 && s->visible) {
            volatile int *bad = (int *) (long) (16 + counter - 42 + letter - 'Q' + byte - 200 + small + 12 + (int) big + 1234567890123L
                    - (long) ubig - 1 + (int) f + (int) pi + (int) ld + yes + c + fl + grid[0][0] + zeros[0] + text[0] + p.x + *ip + bp[0]
                    + (nothing != NULL) + calls + msg[0] - 16 - 2 - 3 - 1 - 1 - 6 - 5 - 1 - 'h' - 7 - 3 - 'T' - 10 - 'c');
            *bad = 1;   /* MARK:crash */
        }
    }
}

static void __attribute__((noinline)) outer(int level, struct shape *s)
{
    char why[8] = "crash";
    inner(s, why, level + 1, add);
    asm volatile("");
}

static void *worker(void *arg)
{
    int id = (int) (long) arg;
    struct point spot = {id, id * 10};
    pthread_barrier_wait(&parked);
    for (;;) pause();
    return (void *) (long) spot.x;
}

int main(int argc, char **argv)
{
    pthread_t t[2];
    pthread_barrier_init(&parked, NULL, 3);
    for (long i = 0; i < 2; i++) pthread_create(&t[i], NULL, worker, (void *) (i + 1));
    pthread_barrier_wait(&parked);
    struct shape second = {"second", {{1, 1}, {2, 2}}, GREEN, 0, -3, 7, {.as_int = 0x3fc00000}, "the second", 0.5, NULL};
    struct shape first = {"first", {{0, 0}, {10, 20}}, RED, 1, -16, 1023, {.as_int = -1}, "the first", 1e-7, &second};
    if (argc > 1 && strcmp(argv[1], "wait") == 0) {
        printf("ready %d\n", getpid());
        fflush(stdout);
        for (;;) pause();
    }
    outer(3, &first);
    return 0;
}
