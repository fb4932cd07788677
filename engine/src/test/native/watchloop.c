/* Conditional breakpoints, logpoints and data watchpoints (issue 18).
 *   watchloop [N [THREADS]]: calls step(i) for i in 0..N-1 (a conditional breakpoint's target),
 *   then writes the global counter five times (0, 1, 3, 6, 10; the first write keeps its value),
 *   then, with THREADS=1, a thread created only now adds 10 to it three times. Exit status 3. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

volatile int counter;
volatile long total;

int step(int i) {
    total += i;            /* MARK:step */
    return i;
}

void *worker(void *arg) {
    (void) arg;
    for (int k = 0; k < 3; k++) counter += 10;   /* MARK:worker */
    return NULL;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    int threads = argc > 2 ? atoi(argv[2]) : 0;
    for (int i = 0; i < n; i++) step(i);
    for (int j = 0; j < 5; j++) counter = counter + j;
    if (threads) {
        pthread_t t;
        pthread_create(&t, NULL, worker, NULL);
        pthread_join(t, NULL);
    }
    printf("total %ld counter %d\n", total, counter);
    return 3;
}
