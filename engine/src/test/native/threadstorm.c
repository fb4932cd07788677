/* Once the file argv[2] exists, starts argv[1] short-lived threads, 8 at a time, then idles. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *work(void *arg) { volatile long x = 0; for (int i = 0; i < 1000; i++) x += i; return arg; }

int main(int argc, char **argv)
{
    int n = atoi(argv[1]);
    printf("ready %d\n", getpid());
    fflush(stdout);
    while (access(argv[2], F_OK) != 0) usleep(1000);
    for (int done = 0; done < n; done += 8) {
        pthread_t t[8];
        int k = n - done < 8 ? n - done : 8;
        for (int i = 0; i < k; i++) pthread_create(&t[i], NULL, work, NULL);
        for (int i = 0; i < k; i++) pthread_join(t[i], NULL);
    }
    printf("done\n");
    fflush(stdout);
    for (;;) pause();
}
