/* Maps the C.UTF-8 locale's files (setlocale) and waits: a process with mapped files that are not ELF. */
#include <locale.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    printf("ready %d\n", getpid());
    fflush(stdout);
    for (;;)
        pause();
}
